#!/usr/bin/env bash
# Runs ON the accelerator machine (the device tool's `run`, with `carry: [".device"]` from pack.sh):
# unpacks Node and the data tools, renders a training set from TimGM6mb and the waveguide strings
# on every core, trains on the GPU for MINUTES with the cosine schedule fitted to that time, and
# puts a slim checkpoint (weights, config, log) and the log under $OUT.
#
#   INSTRUMENT=guitar HOURS=3 MINUTES=7 bash training/device/train.sh [train.py options, e.g. --set train.batch_size=32]
set -euo pipefail
cd "$(dirname "$0")/../.."
instrument=${INSTRUMENT:-guitar}
hours=${HOURS:-3}
seed=${SEED:-61}
minutes=${MINUTES:-7}
config=${CONFIG:-training/configs/$instrument-small.yaml}
bundle=${BUNDLE:-.device}
work=${WORK:-/tmp/stemstream-device}
out=${OUT:?OUT must name the folder that comes back}
name=${NAME:-$instrument-device}
python=${PYTHON:-python3}

t0=$(date +%s)
mkdir -p "$work" /usr/share/sounds/sf2
xz -dc "$bundle/node.xz" > "$work/node" && chmod +x "$work/node"
tar -C "$work" -xJf "$bundle/app.tar.xz"
[ -f /usr/share/sounds/sf2/TimGM6mb.sf2 ] || xz -dc "$bundle/TimGM6mb.sf2.xz" > /usr/share/sounds/sf2/TimGM6mb.sf2
workers=$(( $(nproc) > 2 ? $(nproc) - 1 : 1 ))
"$work/node" "$work/app/engine/bin/stemstream-data.js" dataset synth --instrument "$instrument" --split train \
  --hours "$hours" --seed "$seed" --families timgm6mb,waveguide --workers "$workers" --out "$work/data" 2>&1 | tail -1
echo "data ready after $(( $(date +%s) - t0 )) s"

# No validation here (the held-out families stay on the CPU machine): eval after export, there.
"$python" training/scripts/train.py --config "$config" --data "$work/data" --runs-dir "$work/runs" --name "$name" \
  --steps 1000000 --set data.val=null --set data.cache=stft --set export.dir=null \
  --set train.device=auto --set train.max_minutes="$minutes" --set train.fit_steps_to_minutes=true \
  --set train.lr_schedule=cosine --set train.decay_start=0 --set train.checkpoint_every=1000 --set train.threads=0 "$@" 2>&1 | grep -v "^step " | tail -20
"$python" training/scripts/slim_checkpoint.py --checkpoint "$work/runs/$name/last.pt" --out "$out/$name.pt" --half
cp "$work/runs/$name/log.jsonl" "$out/$name-log.jsonl"
echo "done after $(( $(date +%s) - t0 )) s"
