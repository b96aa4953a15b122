#!/usr/bin/env bash
# Makes scripts/release/daemon.order: the functions of `audiogid` the daemon runs, from start-up through presses,
# playback, pause, volume, status and stop, found by running a release build of the daemon under valgrind's
# callgrind on a small tour with a paced sink (a private PulseAudio, as the benchmarks use). The linker places
# them side by side (scripts/release/swift-build-flags), which keeps the daemon's resident code small.
# Run it again when the daemon's code has changed much; a stale list still links (names not found are skipped),
# it only keeps less of the code together. Needs valgrind, pulseaudio, mpc, sox.
#
#   bash scripts/release/profile-daemon.sh [BINARY]     # default: the release build in .build-static
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${1:-$(swift build -c release --scratch-path .build-static --show-bin-path)/audiogid}
[ -x "$bin" ] || { echo "profile-daemon: no program at $bin (bash Benchmarks/daemon-memory.sh builds it)" >&2; exit 1; }
work=$(mktemp -d /tmp/audiogid-profile-XXXXXX)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

# valgrind 3.19 cannot read the DWARF 5 the compiler writes; the symbol table is all this needs.
objcopy --strip-debug "$bin" "$work/audiogid"
source Benchmarks/private-pulse.sh
private_pulse_environment
start_private_pulse
pids+=("$pulse_pid")
stops=12
mkdir -p "$work/data/tours/profile" "$work/data/audio/profile"
{
    echo "format: 1"; echo "id: profile"; echo "title: Profile"; echo "languages: [en]"; echo "stops:"
    for n in $(seq "$stops"); do
        sox -n -r 48000 -c 1 "$work/data/audio/profile/$n.ogg" synth 3 sine $((200 + n * 10)) vol 0.3
        echo "  - {id: s$n, number: $n, title: Stop $n, audio: {en: profile/$n.ogg}}"
    done
} >"$work/data/tours/profile/tour.yaml"
cat >"$work/kiosk.yaml" <<YAML
data: $work/data
tour: profile
audio: {device: pulse, sample_rate: 48000, channels: 2}
YAML
valgrind --tool=callgrind --demangle=no --dump-instr=no --callgrind-out-file="$work/callgrind.out" \
    "$work/audiogid" daemon --config "$work/kiosk.yaml" --socket "$work/audiogid.sock" >"$work/daemon.log" 2>&1 &
daemon_pid=$!
pids+=($daemon_pid)
# Under valgrind everything is some 50 times slower: wait for the socket, then give each step its time.
for _ in $(seq 600); do [ -S "$work/audiogid.sock" ] && break; sleep 0.5; done
ctl() { timeout 60 mpc -q --host "$work/audiogid.sock" "$@" || true; }
sleep 10
for n in $(seq "$stops"); do ctl play "$n"; sleep 2; done
ctl status >/dev/null; ctl pause; ctl volume 50; ctl play 3; sleep 8; ctl stop; sleep 5
kill -TERM "$daemon_pid"; wait "$daemon_pid" || true
python3 - "$work/callgrind.out" "$bin" scripts/release/daemon.order <<'PY'
import re, subprocess, sys
profile, binary, order = sys.argv[1:]
ran = set()
for line in open(profile, errors='replace'):
    m = re.match(r'c?fn=\(\d+\)\s+(.+)$', line.rstrip('\n'))
    if m: ran.add(m.group(1).split("'")[0])
symbols = subprocess.run(['nm', '--defined-only', binary], capture_output=True, text=True, check=True).stdout
code = {p[2] for p in (l.split(' ', 2) for l in symbols.splitlines()) if len(p) == 3 and p[1] in 'tTwW'}
hot = sorted(ran & code)
open(order, 'w').write('\n'.join(hot) + '\n')
print(f'profile-daemon: {len(hot)} functions of {len(code)} ran; written to {order}')
PY
