#!/usr/bin/env bash
# Start-up to ready: a 60-stop, 3-language tour (180 Ogg Vorbis clips), already indexed; the release daemon with
# the real audio engine on ALSA's null PCM. Measures exec → socket accepting (`ctl status` answers) and →
# `device_open: 1`, over several starts, and the first (indexing) start for comparison.
#
#   bash Benchmarks/daemon-startup.sh [starts]
set -euo pipefail
cd "$(dirname "$0")/.."
starts=${1:-7}
work=$(mktemp -d /tmp/audiogid-startup-XXXXXX)
trap 'rm -rf "$work"' EXIT

swift build -c release --product audiogid >/dev/null
bin=$(swift build -c release --show-bin-path)/audiogid

mkdir -p "$work/data/tours/big" "$work/data/audio/big"
{
    echo "format: 1"; echo "id: big"; echo "title: Sixty stops"; echo "languages: [ru, zh, en]"; echo "stops:"
    for n in $(seq 60); do
        echo "  - id: stop-$n"; echo "    number: $n"; echo "    title: {ru: \"Остановка $n\", en: \"Stop $n\"}"
        echo "    audio: {ru: big/$n.ru.ogg, zh: big/$n.zh.ogg, en: big/$n.en.ogg}"
    done
} >"$work/data/tours/big/tour.yaml"
sox -n -r 22050 -c 1 -b 16 "$work/tone.wav" synth 20 sine 300-900 vol 0.3 2>/dev/null
oggenc -Q -q 2 -o "$work/tone.ogg" "$work/tone.wav"
for n in $(seq 60); do for l in ru zh en; do cp "$work/tone.ogg" "$work/data/audio/big/$n.$l.ogg"; done; done
echo 'pcm.null { type null }' >"$work/asound.conf"
cat >"$work/kiosk.yaml" <<CONF
data: $work/data
tour: big
audio: {device: "null", paced: false}
CONF

export ALSA_CONFIG_PATH=$work/asound.conf
run_once() {
    local t0 t1 t2
    t0=$(date +%s%N)
    "$bin" daemon --config "$work/kiosk.yaml" --socket "$work/c.sock" >"$work/daemon.log" 2>&1 &
    local pid=$!
    until "$bin" ctl --socket "$work/c.sock" ping >/dev/null 2>&1; do sleep 0.002; done
    t1=$(date +%s%N)
    until "$bin" ctl --socket "$work/c.sock" status 2>/dev/null | grep -q "device_open: 1"; do sleep 0.002; done
    t2=$(date +%s%N)
    kill -TERM $pid; wait $pid 2>/dev/null || true
    echo "$(( (t1 - t0) / 1000000 )) $(( (t2 - t0) / 1000000 )) $(grep -o 'ready in [0-9]* ms' "$work/daemon.log")"
}
echo "first start (indexes 180 clips: checksum + loudness): $(run_once)"
for i in $(seq "$starts"); do run_once; done >"$work/runs"
echo "already indexed, $starts starts (ms: socket accepting, device open, daemon's own 'ready in'):"
cat "$work/runs"
sort -n "$work/runs" | awk '{a[NR]=$1; b[NR]=$2} END {m=int((NR+1)/2); print "median: socket accepting " a[m] " ms"}'
sort -n -k2 "$work/runs" | awk '{b[NR]=$2} END {m=int((NR+1)/2); print "median: device open " b[m] " ms"}'
