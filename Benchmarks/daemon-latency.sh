#!/usr/bin/env bash
# Press-to-sound latency through the control socket: `mpc play 1` started → the clip's first non-silent
# sample at a paced sink, for the Audiogid daemon and for real mpd, with the same mpc, the same clip and the
# same sink (a private PulseAudio null sink reached through ALSA's `pulse` PCM, recorded with parec).
# Also the same through one persistent socket connection (no mpc process start), for both servers.
# Needs: pulseaudio, pulseaudio-utils, libasound2-plugins, mpd, mpc, python3 (scripts/install-deps.sh).
#
#   bash Benchmarks/daemon-latency.sh          # 60 presses per server and client, half preempting a playing clip
#   bash Benchmarks/daemon-latency.sh 20       # a quicker run
#
# A second Audiogid daemon runs in the same pass with every fsync()/fdatasync() delayed by FSYNC_DELAY_MS
# (default 50 ms, what an SD card can take; the shim is Benchmarks/FsyncDelay/fsync_delay.c), to show that a
# press, preempting or not, never waits for the play log's sync. FSYNC_DELAY_MS=0 leaves it out.
set -euo pipefail
cd "$(dirname "$0")/.."
presses=${1:-60}
root=$PWD

work=$(mktemp -d /tmp/audiogid-latency-XXXXXX)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

swift build -c release --product audiogid >/dev/null
bin=$(swift build -c release --show-bin-path)/audiogid

source Benchmarks/private-pulse.sh
private_pulse_environment
start_private_pulse
pids+=("$pulse_pid")

# The clips: a 0.3 s block at half scale (its first sample is its first sound) and a 3 s bed at 0.004,
# under the 0.02 detection threshold, for presses that preempt a playing clip. 48 kHz stereo, so neither
# server resamples.
mkdir -p "$work/data/tours/bench" "$work/data/audio/bench" "$work/music"
python3 - "$work/data/audio/bench" <<'PY'
import sys, wave
def block(name, value, seconds):
    frame = int(value * 32767).to_bytes(2, "little", signed=True) * 2
    with wave.open(f"{sys.argv[1]}/{name}", "wb") as f:
        f.setnchannels(2); f.setsampwidth(2); f.setframerate(48000); f.writeframes(frame * int(48000 * seconds))
block("loud.wav", 0.5, 0.3)
block("quiet.wav", 0.004, 3.0)
PY
cat >"$work/data/tours/bench/tour.yaml" <<'YAML'
format: 1
id: bench
title: Latency bench
languages: [en]
stops:
  - {id: loud, number: 1, title: Loud, audio: {en: bench/loud.wav}}
  - {id: quiet, number: 2, title: Quiet, audio: {en: bench/quiet.wav}}
YAML
cp "$work/data/audio/bench/"*.wav "$work/music/"

cp -r "$work/data" "$work/data-slowdisk"
delay_ms=${FSYNC_DELAY_MS:-50}
cc -shared -fPIC -O2 -o "$work/fsync-delay.so" Benchmarks/FsyncDelay/fsync_delay.c -ldl

cat >"$work/kiosk.yaml" <<YAML
data: $work/data
tour: bench
volume: 100
# Play the test clips as recorded, so both servers send the same samples (the bed stays under the threshold).
audio: {device: pulse, sample_rate: 48000, channels: 2}
YAML
"$bin" daemon --config "$work/kiosk.yaml" --socket "$work/audiogid.sock" >"$work/daemon.log" 2>&1 &
pids+=($!)
slow_socket=""
if [ "$delay_ms" != 0 ]; then
    LD_PRELOAD="$work/fsync-delay.so" FSYNC_DELAY_MS=$delay_ms "$bin" daemon --config "$work/kiosk.yaml" \
        --data "$work/data-slowdisk" --socket "$work/audiogid-slow.sock" >"$work/daemon-slow.log" 2>&1 &
    pids+=($!)
    slow_socket=$work/audiogid-slow.sock
fi

write_mpd_conf
mpd --no-daemon "$work/mpd.conf" >"$work/mpd.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do
    [ -S "$work/mpd.sock" ] && [ -S "$work/audiogid.sock" ] && { [ -z "$slow_socket" ] || [ -S "$slow_socket" ]; } && break
    sleep 0.1
done
MPD_HOST=$work/mpd.sock mpc -q clear
MPD_HOST=$work/mpd.sock mpc -q add "file://$work/music/loud.wav"
MPD_HOST=$work/mpd.sock mpc -q add "file://$work/music/quiet.wav"
MPD_HOST=$work/mpd.sock mpc -q single on

python3 - "$presses" "$work/audiogid.sock" "$work/mpd.sock" "$slow_socket" "$delay_ms" <<'PY'
import random, socket, subprocess, sys, threading, time
from array import array

presses, servers = int(sys.argv[1]), {"audiogid daemon": sys.argv[2], "mpd": sys.argv[3]}
slow_name = f"audiogid +{sys.argv[5]}ms fsync"
if sys.argv[4]: servers[slow_name] = sys.argv[4]
RATE, THRESHOLD = 48000, int(0.02 * 32768)

class Capture:
    """parec on the sink's monitor; each chunk is stamped with the monotonic clock when it arrives."""
    def __init__(self):
        self.p = subprocess.Popen(["parec", "-d", "bench.monitor", "--raw", "--format=s16le", "--rate=48000",
                                   "--channels=2", "--latency-msec=1"], stdout=subprocess.PIPE, bufsize=0)
        self.left = array("h"); self.arrivals = []; self.lock = threading.Lock(); self.carry = b""
        threading.Thread(target=self.loop, daemon=True).start()
    def loop(self):
        while True:
            data = self.p.stdout.read(4096)
            now = time.monotonic_ns()
            if not data: return
            data = self.carry + data
            usable = len(data) - len(data) % 4
            self.carry = data[usable:]
            frames = array("h"); frames.frombytes(data[:usable])
            with self.lock:
                self.left.extend(frames[0::2]); self.arrivals.append((now, len(self.left)))
    def onset(self, pressed, timeout=2.0):
        """ns from `pressed` to the first loud sample, dated by the arrival of its chunk."""
        deadline = time.monotonic_ns() + int(timeout * 1e9); start = None
        while time.monotonic_ns() < deadline:
            with self.lock:
                if start is None:
                    for i, (t, n) in enumerate(self.arrivals):
                        if t >= pressed:
                            floor = self.arrivals[i - 1][1] if i else 0
                            start = max(floor - 1, n - int((t - pressed) * RATE / 1e9), 0); break
                if start is not None:
                    for k in range(start, len(self.left)):
                        if abs(self.left[k]) >= THRESHOLD:
                            t, n = next((t, n) for (t, n) in self.arrivals if n > k)
                            at = t - int((n - 1 - k) * 1e9 / RATE)
                            return max(0, at - pressed)
                    start = len(self.left)
            time.sleep(0.001)
        return None

class Client:
    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX); self.s.connect(path); self.f = self.s.makefile("rwb")
        self.f.readline()
    def send(self, line):
        self.f.write((line + "\n").encode()); self.f.flush()
        while True:
            l = self.f.readline()
            if l == b"OK\n" or l.startswith(b"ACK"): return l

def pct(values, q):
    values = sorted(values); return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))]

capture = Capture(); time.sleep(0.5)
results = {}
for name, path in servers.items():
    control = Client(path)
    control.send("play 1"); time.sleep(1.5); control.send("stop"); time.sleep(0.5)   # the output has opened once
    for how in ("mpc", "socket"):
        idle, preempt, missed = [], [], 0
        for i in range(presses):
            pre = i % 2 == 1
            if pre:
                control.send("play 1"); time.sleep(random.uniform(0.15, 0.3))
            if how == "mpc":
                t = time.monotonic_ns()
                subprocess.run(["mpc", "-q", "--host", path, "play", "1"], check=True)
            else:
                t = time.monotonic_ns(); control.send("play 0")
            latency = capture.onset(t)
            if latency is None: missed += 1
            else: (preempt if pre else idle).append(latency / 1e6)
            time.sleep(0.3 + random.uniform(0.15, 0.3))
        control.send("stop")
        every = idle + preempt
        results[(name, how)] = every
        results[(name, how, "preempt")] = preempt
        print(f"{name:16s} via {how:6s}: n={len(every)} p50={pct(every, 50):.1f} ms p99={pct(every, 99):.1f} ms"
              f" | idle p50={pct(idle, 50):.1f} | preempt p50={pct(preempt, 50):.1f} p99={pct(preempt, 99):.1f}"
              + (f" | missed {missed}" if missed else ""))
for how in ("mpc", "socket"):
    a, m = results[("audiogid daemon", how)], results[("mpd", how)]
    print(f"ratio audiogid/mpd via {how}: p50 {pct(a, 50) / pct(m, 50):.2f}, p99 {pct(a, 99) / pct(m, 99):.2f}")
    if (slow_name, how) in results:
        fast, slow = results[("audiogid daemon", how, "preempt")], results[(slow_name, how, "preempt")]
        print(f"preempting press via {how}, slow disk minus plain: p50 {pct(slow, 50) - pct(fast, 50):+.1f} ms,"
              f" p99 {pct(slow, 99) - pct(fast, 99):+.1f} ms")
PY
