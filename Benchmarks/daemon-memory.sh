#!/usr/bin/env bash
# The daemon's memory beside mpd's, in the same run: a 60-stop tour (60 clips of 20 s, 48 kHz mono Ogg Vorbis,
# made here with sox), both servers playing into the same private PulseAudio null sink through ALSA's `pulse` PCM.
# RSS (VmRSS) and its high-water mark (VmHWM) are read from /proc after start-up (idle) and after every stop has
# been played for a moment through `mpc play N` (the same client for both).
# Needs: pulseaudio, pulseaudio-utils, libasound2-plugins, mpd, mpc, sox (scripts/install-deps.sh).
#
#   bash Benchmarks/daemon-memory.sh           # 60 stops
#   bash Benchmarks/daemon-memory.sh 12        # a 12-stop tour
#   AUDIOGID_BIN=/path/to/audiogid bash Benchmarks/daemon-memory.sh   # an already built binary
set -euo pipefail
cd "$(dirname "$0")/.."
stops=${1:-60}
work=$(mktemp -d /tmp/audiogid-memory-XXXXXX)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

# The binary as a kiosk gets it: release, built with the package's flags (scripts/release/swift-build-flags: the
# Swift runtime linked in, the daemon's functions placed together, relocations packed), in its own build folder so
# the ordinary release build is left alone. AUDIOGID_BIN=path skips the (slow) build and measures that binary.
if [ -n "${AUDIOGID_BIN:-}" ]; then
    bin=$AUDIOGID_BIN
else
    source scripts/release/flags.sh
    mapfile -t flags < <(release_swift_flags "$PWD")
    swift build -c release "${flags[@]}" --scratch-path .build-static --product audiogid >/dev/null
    bin=$(swift build -c release "${flags[@]}" --scratch-path .build-static --show-bin-path)/audiogid
fi

source Benchmarks/private-pulse.sh
private_pulse_environment
start_private_pulse
pids+=("$pulse_pid")

mkdir -p "$work/data/tours/mem" "$work/data/audio/mem" "$work/music"
{
    echo "format: 1"; echo "id: mem"; echo "title: Memory bench"; echo "languages: [en]"; echo "stops:"
    for n in $(seq "$stops"); do
        sox -n -r 48000 -c 1 "$work/data/audio/mem/$n.ogg" synth 20 sine $((200 + n * 10)) vol 0.3
        cp "$work/data/audio/mem/$n.ogg" "$work/music/$(printf %03d "$n").ogg"
        echo "  - {id: s$n, number: $n, title: Stop $n, audio: {en: mem/$n.ogg}}"
    done
} >"$work/data/tours/mem/tour.yaml"

cat >"$work/kiosk.yaml" <<YAML
data: $work/data
tour: mem
audio: {device: pulse, sample_rate: 48000, channels: 2}
YAML
"$bin" daemon --config "$work/kiosk.yaml" --socket "$work/audiogid.sock" >"$work/daemon.log" 2>&1 &
daemon_pid=$!
pids+=($daemon_pid)
write_mpd_conf
mpd --no-daemon "$work/mpd.conf" >"$work/mpd.log" 2>&1 &
mpd_pid=$!
pids+=($mpd_pid)
for _ in $(seq 300); do [ -S "$work/mpd.sock" ] && [ -S "$work/audiogid.sock" ] && break; sleep 0.1; done
MPD_HOST=$work/mpd.sock mpc -q update --wait
MPD_HOST=$work/mpd.sock mpc -q clear
MPD_HOST=$work/mpd.sock mpc -q add /

kib() { awk -v k="$2" '$1 == k":" {print $2}' "/proc/$1/status"; }
# RSS, its peak, and the anonymous part of it (heap, stacks: what only swap could take back; the rest is
# pages of the program and its libraries, which the kernel can drop and read again from the file).
report() {
    awk -v what="$1" -v a="$(kib $daemon_pid VmRSS)" -v ap="$(kib $daemon_pid VmHWM)" -v aa="$(kib $daemon_pid RssAnon)" \
        -v m="$(kib $mpd_pid VmRSS)" -v mp="$(kib $mpd_pid VmHWM)" -v ma="$(kib $mpd_pid RssAnon)" 'BEGIN {
        printf "%-30s audiogid %5.1f MB (peak %5.1f, anon %4.1f)   mpd %5.1f MB (peak %5.1f, anon %4.1f)   ratio %.2f\n",
            what, a / 1024, ap / 1024, aa / 1024, m / 1024, mp / 1024, ma / 1024, a / m }'
}
# MEMORY_DETAIL=1: where the daemon's RSS lies (from /proc/PID/smaps): the brk heap, anonymous mappings
# (malloc arenas and large allocations, thread stacks), the binary and each shared library; and its threads.
detail() {
    [ -n "${MEMORY_DETAIL:-}" ] || return 0
    awk '/^[0-9a-f]+-[0-9a-f]+ / { name = ($6 == "") ? "[anon]" : $6; sub(/.*\//, "", name) }
         /^Rss:/ { rss[name] += $2 }
         END { for (n in rss) if (rss[n] >= 256) printf "    %-40s %7.1f MB\n", n, rss[n] / 1024 }' \
        "/proc/$daemon_pid/smaps" | sort -k2 -n -r -t$'\t' | sort -k2,2nr
    echo "    threads: $(awk '/^Threads:/ {print $2}' "/proc/$daemon_pid/status")"
}
sleep 2
report "idle after start ($stops stops)"
detail
for n in $(seq "$stops"); do
    mpc -q --host "$work/audiogid.sock" play "$n"
    mpc -q --host "$work/mpd.sock" play "$n"
    sleep 0.4
done
sleep 1
report "after playing every stop"
detail
mpc -q --host "$work/audiogid.sock" stop
mpc -q --host "$work/mpd.sock" stop
sleep 2
report "stopped again"
