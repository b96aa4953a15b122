#!/usr/bin/env bash
# kill -9 of `audiogid install` at random moments, ROUNDS times (default 60), while a daemon plays the tour.
# After every kill: tours/moyo-selo must link a complete release (release.json present, `audiogid validate`
# clean), the next install must clear what the killed one left, and the daemon must still play stop 1.
#
#   bash Benchmarks/install-killloop.sh                 # uses .build/debug/audiogid (swift build first)
#   ROUNDS=200 AUDIOGID=.build/release/audiogid bash Benchmarks/install-killloop.sh
#
# The test suite kills install at each of its named steps and a few random moments; this is the long run.
set -euo pipefail
cd "$(dirname "$0")/.."
AUDIOGID=${AUDIOGID:-$PWD/.build/debug/audiogid}
ROUNDS=${ROUNDS:-60}
WORK=$(mktemp -d /tmp/audiogid-kill-loop.XXXXXX)
DAEMON=""
cleanup() {
    if [ -n "$DAEMON" ]; then kill "$DAEMON" 2>/dev/null || true; wait "$DAEMON" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

mkdir -p "$WORK/data/tours" "$WORK/trusted" "$WORK/packages"
"$AUDIOGID" keygen --secret-key "$WORK/k.key" --public-key "$WORK/trusted/k.pub" >/dev/null
# One package per round, each a higher version of the demo tour.
for version in $(seq 1 $((ROUNDS + 2))); do
    "$AUDIOGID" pack tours/moyo-selo --key "$WORK/k.key" --version "$version" -o "$WORK/packages/$version.audiogid" >/dev/null
done
SOCK="$WORK/control.sock"
install_pkg() { "$AUDIOGID" install "$WORK/packages/$1.audiogid" --data "$WORK/data" --trusted-keys "$WORK/trusted" --socket "$SOCK"; }

install_pkg 1 >/dev/null
"$AUDIOGID" daemon --data "$WORK/data" --device none --socket "$SOCK" --tour moyo-selo >"$WORK/daemon.log" 2>&1 &
DAEMON=$!
for _ in $(seq 1 100); do "$AUDIOGID" ctl --socket "$SOCK" status >/dev/null 2>&1 && break; sleep 0.1; done
"$AUDIOGID" ctl --socket "$SOCK" play 1 >/dev/null
# How long a whole install of a next version takes with the daemon running (it is told to reload): the kills spread over it.
start=$(date +%s%N)
install_pkg 2 >/dev/null
full_ms=$(( ($(date +%s%N) - start) / 1000000 ))

old=0; new=0
for round in $(seq 1 "$ROUNDS"); do
    version=$((round + 2))
    before=$(readlink "$WORK/data/tours/moyo-selo")
    install_pkg "$version" >/dev/null 2>&1 &
    pid=$!
    # Anywhere from the start to a little past a whole install.
    sleep "$(awk -v max="$full_ms" -v seed="$RANDOM" 'BEGIN {srand(seed); printf "%.3f", rand() * max * 1.3 / 1000}')"
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    after=$(readlink "$WORK/data/tours/moyo-selo")
    release="$WORK/data/tours/moyo-selo"
    [ -f "$release/release.json" ] || { echo "round $round: $after has no release.json" >&2; exit 1; }
    "$AUDIOGID" validate --quiet "$release" >/dev/null || { echo "round $round: $after does not validate" >&2; exit 1; }
    if [ "$after" = "$before" ]; then old=$((old + 1)); else new=$((new + 1)); fi
    # A new press (stop, then play 1: pressing the playing stop again would stop it).
    "$AUDIOGID" ctl --socket "$SOCK" stop >/dev/null
    "$AUDIOGID" ctl --socket "$SOCK" play 1 >/dev/null || { echo "round $round: the daemon does not play" >&2; cat "$WORK/daemon.log" >&2; exit 1; }
    "$AUDIOGID" ctl --socket "$SOCK" status | grep -q "state: play" || { echo "round $round: not playing" >&2; exit 1; }
    # The killed install's leftovers are cleared by the next install; finish this version so the next round starts clean.
    install_pkg "$version" >/dev/null
    ls -a "$WORK/data/releases" | grep -q '^\.staging-\|^\.trash-\|^\.next-' && { echo "round $round: leftovers not cleared" >&2; exit 1; }
done
kill -0 "$DAEMON" || { echo "the daemon died" >&2; exit 1; }
echo "$ROUNDS kill -9 rounds (a whole install takes ${full_ms} ms): $old left the old release, $new the new one; every time complete, the daemon playing"
echo "$ROUNDS passed, 0 failed"
