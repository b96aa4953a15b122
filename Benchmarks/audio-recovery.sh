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
export HOME=$work/home PULSE_RUNTIME_PATH=$work/pulse-run PULSE_STATE_PATH=$work/pulse-state XDG_RUNTIME_DIR=$work/xdg
mkdir -p "$HOME" "$PULSE_RUNTIME_PATH" "$PULSE_STATE_PATH" "$XDG_RUNTIME_DIR"
export PULSE_SERVER=unix:$work/pulse.sock
start_pulse() {
    pulseaudio -n --daemonize=no --exit-idle-time=-1 --use-pid-file=no --disable-shm=yes --log-level=error \
        -L "module-native-protocol-unix socket=$work/pulse.sock auth-anonymous=1" \
        -L "module-null-sink sink_name=bench rate=48000 channels=2" >>"$work/pulse.log" 2>&1 &
    pulse_pid=$!
    for _ in $(seq 50); do pactl info >/dev/null 2>&1 && break; sleep 0.1; done
}
start_pulse
sox -n -r 48000 -c 2 -b 16 "$work/clip.wav" synth 12 sine 440 vol 0.3 2>/dev/null
swift build -c release --product audio-benchmark >/dev/null
bench=$(swift build -c release --show-bin-path)/audio-benchmark
"$bench" recovery --device pulse --clip "$work/clip.wav" --seconds 40 &
engine=$!
sleep 2; echo "-- killing the sound server"; kill "$pulse_pid"; wait "$pulse_pid" 2>/dev/null || true
sleep 1; ps -o pid,pcpu,rss,cmd -p "$engine" | tail -1 | awk '{print "-- engine meanwhile: " $2 " % CPU, " $3 " KB"}'
sleep 2; echo "-- starting it again"; start_pulse
wait "$engine"
