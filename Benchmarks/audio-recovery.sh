#!/usr/bin/env bash
# Device loss and return, for real: the engine plays a 12 s clip to a private PulseAudio through ALSA's `pulse`
# PCM; the server is killed 2 s in (what a pulled USB card looks like to a client: the stream dies with an
# I/O error) and started again 5 s in. Expected: .deviceLost once, .deviceRestored, the clip then plays on
# to .finished, and the process never exits or spins meanwhile.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d /tmp/audiogid-audio-recovery-XXXXXX)
pulse_pid=""
cleanup() { [ -n "$pulse_pid" ] && kill "$pulse_pid" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
source Benchmarks/private-pulse.sh
private_pulse_environment
start_private_pulse
sox -n -r 48000 -c 2 -b 16 "$work/clip.wav" synth 12 sine 440 vol 0.3 2>/dev/null
swift build -c release --product audio-benchmark >/dev/null
bench=$(swift build -c release --show-bin-path)/audio-benchmark
"$bench" recovery --device pulse --clip "$work/clip.wav" --seconds 40 &
engine=$!
sleep 2; echo "-- killing the sound server"; kill "$pulse_pid"; wait "$pulse_pid" 2>/dev/null || true
sleep 1; ps -o pid,pcpu,rss,cmd -p "$engine" | tail -1 | awk '{print "-- engine meanwhile: " $2 " % CPU, " $3 " KB"}'
sleep 2; echo "-- starting it again"; start_private_pulse
wait "$engine"
