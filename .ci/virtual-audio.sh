#!/usr/bin/env bash
# Usage: .ci/virtual-audio.sh start|stop|status
# A JACK2 server with the "dummy" driver: no sound card and no kernel sound support needed.
# It gives 2 capture + 2 playback ports, a real-time clock and JACK MIDI; tests connect their own
# ports (jack_connect) to loop output back into input.
# Needs (Debian): jackd2 (jackd, jack_lsp, jack_connect). Env: VA_RATE (48000), VA_PERIOD (256),
# VA_STATE_DIR (/tmp/virtual-audio), JACK_DEFAULT_SERVER (default).
# The integration tests start their own privately named server (engine/audio-io/jack-server.ts);
# this script is for CI steps and for running `stemstream live --api jack` by hand.
set -euo pipefail
STATE=${VA_STATE_DIR:-/tmp/virtual-audio}
RATE=${VA_RATE:-48000}; PERIOD=${VA_PERIOD:-256}
SERVER=${JACK_DEFAULT_SERVER:-default}
export JACK_NO_AUDIO_RESERVATION=1   # no D-Bus device reservation
export JACK_NO_START_SERVER=1        # jack_* tools / clients must not autostart a server
mkdir -p "$STATE"
command -v jackd >/dev/null || { echo "virtual-audio: jackd not installed (apt-get install -y --no-install-recommends jackd2)"; exit 1; }
case "${1:-start}" in
start)
  if jack_lsp >/dev/null 2>&1; then echo "virtual-audio: a JACK server '$SERVER' is already running"; exit 0; fi
  # a jackd that died (kill -9, crash) leaves its sockets/semaphores in /dev/shm and the next
  # start fails with "server already active": clear them (no server answered above).
  rm -rf /dev/shm/jack_"$SERVER"_* /dev/shm/jack_sem.*_"$SERVER"_* 2>/dev/null || true
  if ! pgrep -x jackd >/dev/null 2>&1; then
    # no jackd at all: the shared registry and leftovers of any server are stale too
    rm -rf /dev/shm/jack-[0-9]*-[0-9]* /dev/shm/jack_db-* /dev/shm/jack-shm-registry 2>/dev/null || true
  fi
  t0=$(date +%s%N)
  # --no-realtime: containers/CI normally can't get SCHED_FIFO; -C/-P: 2 in, 2 out
  setsid jackd -n "$SERVER" --no-realtime -d dummy -r "$RATE" -p "$PERIOD" -C 2 -P 2 \
      >"$STATE/jackd.log" 2>&1 < /dev/null &
  echo $! >"$STATE/jackd.pid"
  for _ in $(seq 1 200); do                         # up to 10 s
    if jack_lsp >/dev/null 2>&1; then
      echo "virtual-audio: jackd '$SERVER' (dummy, ${RATE} Hz, period ${PERIOD}) up, pid $(cat "$STATE/jackd.pid"), $(( ($(date +%s%N) - t0) / 1000000 )) ms"
      exit 0
    fi
    if ! kill -0 "$(cat "$STATE/jackd.pid")" 2>/dev/null; then break; fi
    sleep 0.05
  done
  echo "virtual-audio: jackd failed to start"; cat "$STATE/jackd.log"; exit 1 ;;
stop)
  if [ -f "$STATE/jackd.pid" ]; then
    pid=$(cat "$STATE/jackd.pid")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$STATE/jackd.pid"
  fi
  echo "virtual-audio: stopped" ;;
status)
  jack_lsp -t 2>/dev/null || { echo "virtual-audio: no JACK server '$SERVER'"; exit 1; } ;;
*)
  echo "usage: $0 start|stop|status"; exit 2 ;;
esac
