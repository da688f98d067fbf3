#!/usr/bin/env bash
# Packs what the accelerator machine needs to render its own training data: a Node.js binary, the
# compiled data tools with the dependencies they load, and the TimGM6mb soundfont. Nothing can be
# fetched there and only 64 MiB travel with the repository, so rendered hours cannot: the songs are
# made there (training/device/README.md). Run `npm run build` first.
#
#   bash training/device/pack.sh [DIR]     # default .device/ (git-ignored); prints the sizes
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-.device}
node_bin=$(command -v node)
sf2=/usr/share/sounds/sf2/TimGM6mb.sf2
[ -f dist/engine/cli/data-main.js ] || { echo "pack: dist/ is missing: run npm run build first" >&2; exit 1; }
[ -f "$sf2" ] || { echo "pack: $sf2 is missing (Debian package timgm6mb-soundfont)" >&2; exit 1; }

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
app=$stage/app
mkdir -p "$app/engine/bin" "$app/node_modules"
cp package.json "$app/"
cp engine/bin/stemstream-data.js "$app/engine/bin/"
cp -r dist "$app/dist"
# Every dependency but those the data tools never load (inference runtime, native audio/MIDI,
# the UI build and test tools, and the recorded piano and guitars: the device renders TimGM6mb and
# waveguide songs only): tested below by rendering a song from the unpacked copy.
skip='^(onnxruntime-node|onnxruntime-common|audify|@julusian|typescript|playwright-core|esbuild|@esbuild|vite|rollup|@rollup|svelte|@sveltejs|@types|tsx|axios|@audio-samples|tonejs-instrument-guitar-.*|tone|standardized-audio-context|automation-events)$'
for m in node_modules/*; do
  name=${m#node_modules/}
  [[ $name =~ $skip ]] || cp -r "$m" "$app/node_modules/"
done
rm -rf "$out" && mkdir -p "$out"
tar -C "$stage" -cf - app | xz -T0 -9 > "$out/app.tar.xz"
xz -T0 -9 -c "$node_bin" > "$out/node.xz"
xz -T0 -9 -c "$sf2" > "$out/TimGM6mb.sf2.xz"

# Self-check: unpack and render one short song with the bundled node, away from this checkout.
check=$stage/check
mkdir -p "$check"
xz -dc "$out/node.xz" > "$check/node" && chmod +x "$check/node"
tar -C "$check" -xJf "$out/app.tar.xz"
(cd "$check" && ./node app/engine/bin/stemstream-data.js dataset synth --instrument guitar --split train --hours 0.005 \
  --seed 1 --families timgm6mb,waveguide --workers 0 --out "$check/data" 2>&1 | tail -1)
ls "$check"/data/tracks_22050hz/*/song.json > /dev/null
du -b "$out"/* | awk '{ printf "%-28s %6.1f MiB\n", $2, $1 / 1048576 }'
echo "pack: ok ($(du -sb "$out" | awk '{ printf "%.1f", $1 / 1048576 }') MiB; the repository's tracked files travel too: $(git ls-files -z | xargs -0 du -cb | tail -1 | awk '{ printf "%.1f", $1 / 1048576 }') MiB)"
