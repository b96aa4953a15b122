#!/usr/bin/env bash
# Press to sound on real kernel drivers: a gpio-sim line and a uinput keypad driving the daemon, which plays to
# snd-aloop; the same clip through mpd on the same card, for comparison. Runs in the driver rig's QEMU guest
# (scripts/rig.sh setup first); emulation slows everything, so compare the ratio, not the milliseconds.
#
#   scripts/rig.sh bench            (or: Benchmarks/rig-latency.sh [AUDIOGID_BINARY])
#   RIG_PRESSES=60 by default; results in .build-rig/out-bench/latency.md
set -euo pipefail
cd "$(dirname "$0")/.."
AUDIOGID=${1:-$(swift build --show-bin-path)/audiogid}
[ -x "$AUDIOGID" ] || { echo "rig-latency: no audiogid binary at $AUDIOGID (swift build first)" >&2; exit 1; }
command -v mpd >/dev/null && command -v mpc >/dev/null || { echo "rig-latency: needs mpd and mpc (scripts/install-deps.sh)" >&2; exit 1; }
OUT=$PWD/.build-rig/out-bench
TOOL=$PWD/.build-rig/tools/rig-latency
mkdir -p "$(dirname "$TOOL")"
gcc -O2 -Wall -o "$TOOL" Benchmarks/RigLatency/rig-latency.c -lasound
rm -rf "$OUT"
status=0
bash scripts/rig/boot.sh "$OUT" env AUDIOGID="$AUDIOGID" RIG_LATENCY="$TOOL" RIG_PRESSES="${RIG_PRESSES:-60}" \
    bash -c 'bash Tests/Rig/modules.sh && /usr/bin/python3 -u Benchmarks/RigLatency/rig_latency.py' || status=$?
if [ "$status" != 0 ] || [ ! -f "$OUT/latency.md" ]; then
    tail -40 "$OUT/guest.log" >&2
    echo "rig-latency: FAILED (status $status); guest log in $OUT/guest.log" >&2
    exit 1
fi
grep -E '\] (audiogid|mpd): ' "$OUT/guest.log" | sed 's/^\[[ 0-9.]*\] //' || true
cat "$OUT/latency.md"
