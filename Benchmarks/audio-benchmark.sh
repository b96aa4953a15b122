#!/usr/bin/env bash
# Audio benchmark: press-to-sound latency, CPU and peak memory of Audiogid's engine against mpd (+ its
# MPD protocol, what mpc sends) and aplay, all playing to the same paced sink: a private PulseAudio null sink
# reached through ALSA's `pulse` PCM, recorded with parec. Needs: pulseaudio, pulseaudio-utils,
# libasound2-plugins, mpd, alsa-utils, sox, vorbis-tools, python3 (all in scripts/install-deps.sh).
#
#   bash Benchmarks/audio-benchmark.sh            # 120 presses each, a 10-minute stereo Ogg Vorbis clip
#   bash Benchmarks/audio-benchmark.sh --quick    # 20 presses, a 30-second clip: a smoke run
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

presses=120; aplay_presses=30; seconds=600
if [[ "${1:-}" == "--quick" ]]; then presses=20; aplay_presses=5; seconds=30; fi

work=$(mktemp -d /tmp/audiogid-audio-bench-XXXXXX)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

source Benchmarks/private-pulse.sh
private_pulse_environment
start_private_pulse
pids+=("$pulse_pid")

# Test clips: a 0.3 s block at half scale (its first sample is its first sound: no lead-in silence to
# subtract), a 3 s bed at 0.004 (below the 0.02 detection threshold) to preempt, and the long clip.
python3 - "$work" <<'PY'
import sys, wave
work = sys.argv[1]
def block(name, value, seconds):
    frame = int(value * 32767).to_bytes(2, "little", signed=True) * 2
    with wave.open(f"{work}/{name}", "wb") as f:
        f.setnchannels(2); f.setsampwidth(2); f.setframerate(48000)
        f.writeframes(frame * int(48000 * seconds))
block("loud.wav", 0.5, 0.3)
block("quiet.wav", 0.004, 3.0)
block("block.wav", 0.5, 15.0)  # for the volume-change timing
PY
# The long clip: stereo 44.1 kHz (so every player resamples to the sink's 48 kHz), Ogg Vorbis quality 4.
sox -n -r 44100 -c 2 -b 16 "$work/long.wav" synth "$seconds" pinknoise vol 0.25 2>/dev/null
oggenc -Q -q 4 -o "$work/long.ogg" "$work/long.wav"
sox "$work/long.wav" -r 48000 "$work/long48.wav"   # aplay plays PCM only: its reference does no decoding

# mpd: ALSA output to the same `pulse` PCM, one fixed 48 kHz format, soxr at "high" like the engine's.
write_mpd_conf 'resampler {
    plugin "soxr"
    quality "high"
}'
mpd --no-daemon "$work/mpd.conf" >"$work/mpd.log" 2>&1 &
mpd_pid=$!
pids+=($mpd_pid)
for _ in $(seq 50); do [ -S "$work/mpd.sock" ] && break; sleep 0.1; done

swift build -c release --product audio-benchmark >/dev/null
swift build -c release --product audio-play-benchmark >/dev/null
bin=$(swift build -c release --show-bin-path)
bench=$bin/audio-benchmark
player=$bin/audio-play-benchmark

echo "## Press-to-sound latency ($presses presses each, half from idle, half preempting a playing clip)"
"$bench" latency --device pulse --monitor bench.monitor --loud "$work/loud.wav" --quiet "$work/quiet.wav" \
    --presses "$presses" --mpd-socket "$work/mpd.sock" --aplay-presses "$aplay_presses"
"$bench" latency --device pulse --monitor bench.monitor --loud "$work/loud.wav" --quiet "$work/quiet.wav" \
    --presses "$presses" --aplay-presses 0 --period-ms 10 | head -1

"$bench" volume --device pulse --monitor bench.monitor --clip "$work/block.wav" --changes 20

echo
echo "## CPU and peak memory playing a $seconds s stereo Ogg Vorbis clip (all three at once, to one sink)"
/usr/bin/time -f "%e %U %S %M" -o "$work/engine.time" "$player" "$work/long.ogg" --device pulse >"$work/engine.out" &
engine_job=$!
/usr/bin/time -f "%e %U %S %M" -o "$work/engine50.time" "$player" "$work/long.ogg" --device pulse \
    --period-ms 10 --buffer-ms 40 >"$work/engine50.out" &
engine50_job=$!
/usr/bin/time -f "%e %U %S %M" -o "$work/aplay.time" aplay -q -D pulse "$work/long48.wav" &
aplay_job=$!
ticks=$(getconf CLK_TCK)
mpd_cpu() { awk '{print $14 + $15}' "/proc/$mpd_pid/stat"; }
python3 - "$work/mpd.sock" "$work/long.ogg" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); f = s.makefile("rw")
f.readline()
def cmd(c):
    f.write(c + "\n"); f.flush()
    lines = []
    while True:
        l = f.readline().rstrip("\n")
        if l == "OK" or l.startswith("ACK"): return lines
        lines.append(l)
cmd("clear"); cmd("single 1")
cmd(f'add "file://{sys.argv[2]}"')
PY
before=$(mpd_cpu); start=$(date +%s.%N)
python3 - "$work/mpd.sock" <<'PY'
import socket, sys, time
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); f = s.makefile("rw")
f.readline()
def cmd(c):
    f.write(c + "\n"); f.flush()
    lines = []
    while True:
        l = f.readline().rstrip("\n")
        if l == "OK" or l.startswith("ACK"): return lines
        lines.append(l)
cmd("play 0")
while "state: play" in cmd("status"):
    time.sleep(0.5)
PY
after=$(mpd_cpu); end=$(date +%s.%N)
mpd_hwm=$(awk '/VmHWM/ {print $2}' "/proc/$mpd_pid/status")
wait "$engine_job" "$engine50_job" "$aplay_job"

python3 - "$work" "$before" "$after" "$start" "$end" "$ticks" "$mpd_hwm" <<'PY'
import sys
work, before, after, start, end, ticks, hwm = sys.argv[1:]
def timed(name):
    e, u, s, m = open(f"{work}/{name}.time").read().split()[-4:]
    return 100 * (float(u) + float(s)) / float(e), int(m) / 1024
engine = timed("engine"); engine50 = timed("engine50"); aplay = timed("aplay")
mpd = (100 * (float(after) - float(before)) / float(ticks) / (float(end) - float(start)), int(hwm) / 1024)
print("| player | CPU (% of one core) | peak RSS (MB) |")
print("|---|---|---|")
for name, (cpu, rss) in [("audiogid engine (default: 100 ms periods x 4 on a sound server)", engine),
                         ("audiogid engine forced to 10 ms periods x 4", engine50),
                         ("mpd", mpd), ("aplay (WAV, no decoding)", aplay)]:
    print(f"| {name} | {cpu:.2f} | {rss:.1f} |")
print()
for label, e in [("default", engine), ("10 ms periods", engine50)]:
    print(f"engine ({label}) / mpd: CPU {e[0] / mpd[0]:.2f}x, RSS {e[1] / mpd[1]:.2f}x; "
          f"/ aplay: CPU {e[0] / aplay[0]:.2f}x, RSS {e[1] / aplay[1]:.2f}x")
PY
cat "$work/engine.out" "$work/engine50.out"
