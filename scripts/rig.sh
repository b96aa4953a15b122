#!/usr/bin/env bash
# The driver rig: Audiogid's daemon against real kernel drivers (gpio-sim, uinput + evdev, snd-aloop) in a QEMU
# guest. See docs/dev/testing.md ("The driver rig").
#
#   scripts/rig.sh setup            prepare or refresh the cached guest kernel (.build-rig/, git-ignored)
#   scripts/rig.sh test [NAME...]   boot the guest, run every rig test (or those named), one line per test;
#                                   exit 0 only when every test ran and passed
#   scripts/rig.sh bench            the press-to-sound benchmark in the guest, release build (Benchmarks/rig-latency.sh)
#   scripts/rig.sh shell CMD...     run one command in the guest (for debugging a test)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/.build-rig/out

# The daemon the guest runs: the host's own debug build (the guest sees the host's root through 9p), brought up to
# date first, so the rig never tests a binary older than the sources (a no-op when `swift build` just ran).
audiogid_binary() {
    swift build --product audiogid >/tmp/rig-build.$$.log 2>&1 \
        || { tail -30 /tmp/rig-build.$$.log >&2; rm -f /tmp/rig-build.$$.log; echo "rig: swift build --product audiogid failed" >&2; exit 1; }
    rm -f /tmp/rig-build.$$.log
    echo "$(swift build --show-bin-path)/audiogid"
}

case "${1:-}" in
setup)
    exec bash scripts/rig/setup.sh
    ;;
test)
    shift
    AUDIOGID=$(audiogid_binary)
    rm -rf "$OUT"; mkdir -p "$OUT"
    start=$(date +%s%N)
    status=0
    bash scripts/rig/boot.sh "$OUT" env AUDIOGID="$AUDIOGID" bash Tests/Rig/run.sh "$@" || status=$?
    wall_ms=$(( ($(date +%s%N) - start) / 1000000 ))
    results=$(grep -a '^RIG-RESULT ' "$OUT/guest.log" 2>/dev/null || true)
    if [ "$status" = 125 ] || [ -z "$results" ]; then
        [ -f "$OUT/guest.log" ] && tail -30 "$OUT/guest.log" >&2
        echo "rig: FAILED: no rig test ran (status $status); see above" >&2
        exit 1
    fi
    echo "$results" | sed 's/^RIG-RESULT //'
    passed=$(echo "$results" | grep -c ' PASS ' || true)
    failed=$(echo "$results" | grep -vc ' PASS ' || true)
    for name in $(echo "$results" | awk '$3 != "PASS" {print $2}'); do
        echo "--- $name (log: $OUT/$name.log)"; tail -25 "$OUT/$name.log" 2>/dev/null || true
    done
    printf 'rig: %d passed, %d failed, %d.%d s wall (boot and tests)\n' "$passed" "$failed" $((wall_ms / 1000)) $((wall_ms % 1000 / 100))
    [ "$status" = 0 ] && [ "$failed" = 0 ] || exit 1
    ;;
bench)
    shift
    # Timed with the release build: unoptimised code is an order of magnitude slower under emulation.
    swift build -c release --product audiogid >/tmp/rig-build.$$.log 2>&1 \
        || { tail -30 /tmp/rig-build.$$.log >&2; rm -f /tmp/rig-build.$$.log; echo "rig: swift build -c release failed" >&2; exit 1; }
    rm -f /tmp/rig-build.$$.log
    exec bash Benchmarks/rig-latency.sh "$(swift build -c release --show-bin-path)/audiogid" "$@"
    ;;
shell)
    shift
    AUDIOGID=$(audiogid_binary)
    mkdir -p "$OUT/shell"
    status=0
    bash scripts/rig/boot.sh "$OUT/shell" env AUDIOGID="$AUDIOGID" bash -c 'bash Tests/Rig/modules.sh && "$@"' rig "$@" || status=$?
    cat "$OUT/shell/guest.log"
    exit "$status"
    ;;
*)
    sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
    ;;
esac
