#!/usr/bin/env python3
"""Trigger-to-sound latency of the kiosk daemon: a serial token written to a pseudo-terminal, and a keypad
entry (digits + Enter as evdev input_event records written to a FIFO), each timed from the write() to the
first non-silent sample at a paced sink (a private PulseAudio null sink, recorded by parec). The headline
figure is when the block holding that sample reached the recorder: an upper bound, since it includes parec's
delivery; a second, stream-clock estimate is printed too.

    Benchmarks/TriggerLatency/run.py [--binary .build/release/audiogid] [--trials 40]

Reports p50/p90/p99/max per source. The kiosk runs a generated tour whose clips are tones starting at
their first sample (the demo tours' clips open with ~250-290 ms of silence, padded on purpose by make-narration.py, which would swamp
the trigger path; their lead-ins are printed for reference). The figure includes parec's capture period
(--latency-msec 5), so it is slightly pessimistic.
"""
import argparse, os, pty, select, shutil, signal, struct, subprocess, sys, tempfile, threading, time, tty

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RATE = 48000
THRESHOLD = 328          # -40 dBFS on s16
CHUNK_FRAMES = 96        # 2 ms per read from parec


class Recorder:
    """parec from the sink's monitor. The monitor delivers audio in blocks, so a block's arrival time is not its
    samples' time; instead each sample gets the stream's own clock: time(k) = origin + k / RATE, where origin is
    the earliest (least delayed) arrival seen, arrival - samples_so_far / RATE."""

    def __init__(self, env):
        self.proc = subprocess.Popen(
            ["parec", "-d", "kiosk.monitor", "--raw", "--format=s16le", f"--rate={RATE}", "--channels=1",
             "--latency-msec=5"], stdout=subprocess.PIPE, env=env)
        os.set_blocking(self.proc.stdout.fileno(), False)
        self.lock = threading.Lock()
        self.origin = None
        self.count = 0              # samples received
        self.last_loud = None       # index of the latest loud sample
        self.armed_index = None     # samples received when armed
        self.first_loud = None      # index of the first loud sample after arming
        self.first_loud_arrival = None  # when the block holding it reached us: an upper bound
        self.running = True
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def time_of(self, index):
        return self.origin + index / RATE

    def run(self):
        fd = self.proc.stdout.fileno()
        pending = b""
        while self.running:
            r, _, _ = select.select([fd], [], [], 0.1)
            if not r:
                continue
            data = os.read(fd, 65536)
            now = time.monotonic()
            if not data:
                break
            pending += data
            usable = len(pending) - len(pending) % 2
            samples = struct.unpack(f"<{usable // 2}h", pending[:usable])
            pending = pending[usable:]
            with self.lock:
                start = self.count
                self.count += len(samples)
                estimate = now - self.count / RATE
                self.origin = estimate if self.origin is None else min(self.origin, estimate)
                for i, value in enumerate(samples):
                    if abs(value) > THRESHOLD:
                        self.last_loud = start + i
                        if self.armed_index is not None and self.first_loud is None and start + i >= self.armed_index:
                            self.first_loud = start + i
                            self.first_loud_arrival = now

    def arm(self, at):
        """Look for sound from the sample playing at monotonic time `at` on."""
        with self.lock:
            self.armed_index = max(0, int((at - self.origin) * RATE)) if self.origin is not None else self.count
            self.first_loud = None
            self.first_loud_arrival = None

    def wait_loud(self, timeout=5):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            with self.lock:
                if self.first_loud is not None:
                    return self.time_of(self.first_loud), self.first_loud_arrival
            time.sleep(0.001)
        return None

    def wait_quiet(self, seconds=0.3, timeout=10):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            with self.lock:
                quiet_samples = self.count - (self.last_loud if self.last_loud is not None else -RATE)
                if self.origin is not None and quiet_samples >= seconds * RATE:
                    return True
            time.sleep(0.01)
        return False

    def stop(self):
        self.running = False
        self.proc.terminate()


class Control:
    """The daemon's control socket (MPD protocol): `idle player` answers when the player changes state, which
    times the trigger path (device → decoder → kiosk) without the audio engine."""

    def __init__(self, path):
        import socket
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(path)
        self.buffer = b""
        self.read_reply()

    def read_reply(self):
        while b"\nOK\n" not in b"\n" + self.buffer and not self.buffer.startswith(b"OK MPD"):
            self.buffer += self.sock.recv(4096)
        reply, _, self.buffer = self.buffer.partition(b"OK\n") if not self.buffer.startswith(b"OK MPD") else self.buffer.partition(b"\n")
        return time.monotonic(), reply

    def idle(self):
        self.sock.sendall(b"idle player\n")


def input_event(code, value, kind=1):
    return struct.pack("<qqHHi", 0, 0, kind, code, value)


KEYPAD = {0: 82, 1: 79, 2: 80, 3: 81, 4: 75, 5: 76, 6: 77, 7: 71, 8: 72, 9: 73}
KPENTER, KPSLASH = 96, 98


def keypad_bytes(codes):
    out = b""
    for code in codes:
        out += input_event(code, 1) + input_event(0, 0, 0) + input_event(code, 0) + input_event(0, 0, 0)
    return out


def lead_in_ms(path):
    """Milliseconds before a clip's first sample above the threshold (decoded by sox at 48 kHz mono)."""
    raw = subprocess.run(["sox", path, "-t", "raw", "-e", "signed", "-b", "16", "-c", "1", "-r", str(RATE), "-"],
                         capture_output=True, check=True).stdout
    samples = struct.unpack(f"<{len(raw) // 2}h", raw[: len(raw) - len(raw) % 2])
    for i, s in enumerate(samples):
        if abs(s) > THRESHOLD:
            return 1000 * i / RATE
    return float("nan")


def make_tour(work):
    """A six-stop tour of 3-second tones (Ogg Vorbis, 22.05 kHz mono like the demo clips), loud from the first sample."""
    os.makedirs(f"{work}/tours/latency")
    os.makedirs(f"{work}/audio/latency")
    stops = []
    for n in range(1, 7):
        subprocess.run(["sox", "-n", "-r", "22050", "-c", "1", f"{work}/audio/latency/{n}.ogg", "synth", "3",
                        "sine", str(300 + 60 * n), "gain", "-6"], check=True)
        stops.append(f"""  - id: s{n}
    number: {n}
    title: {{en: "Stop {n}"}}
    audio: {{en: latency/{n}.ogg}}
""")
    with open(f"{work}/tours/latency/tour.yaml", "w") as f:
        f.write("format: 1\nid: latency\ntitle: {en: Latency}\nlanguages: [en]\nmode: walk\nstops:\n" + "".join(stops))


def percentile(values, p):
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=None)
    parser.add_argument("--trials", type=int, default=40)
    parser.add_argument("--period-ms", type=int, default=10)
    parser.add_argument("--direct", action="store_true",
                        help="trigger-latency-player (sources wired straight to the audio engine) instead of the daemon")
    parser.add_argument("--calibrate", action="store_true",
                        help="time `paplay` of the same tone instead of the daemon: checks the recorder, gives a floor to compare with")
    args = parser.parse_args()
    binary = args.binary or next(p for p in [os.path.join(ROOT, ".build/release/audiogid"),
                                              os.path.join(ROOT, ".build/debug/audiogid")] if os.path.exists(p))
    work = tempfile.mkdtemp(prefix="audiogid-trigger-latency-")
    env = dict(os.environ, HOME=work, PULSE_RUNTIME_PATH=work, PULSE_SERVER=f"unix:{work}/pulse.sock",
               PULSE_SINK="kiosk")
    pulse = subprocess.Popen(
        ["pulseaudio", "-n", "--daemonize=no", "--exit-idle-time=-1", "--use-pid-file=no", "--log-level=error",
         "-L", f"module-native-protocol-unix socket={work}/pulse.sock auth-anonymous=1",
         "-L", f"module-null-sink sink_name=kiosk rate={RATE} channels=2"], env=env, stderr=subprocess.DEVNULL)
    daemon = recorder = None
    try:
        for _ in range(100):
            if os.path.exists(f"{work}/pulse.sock"):
                break
            time.sleep(0.05)
        primary, secondary = pty.openpty()
        tty.setraw(secondary)
        os.symlink(os.ttyname(secondary), f"{work}/ttyUSB0")
        os.mkfifo(f"{work}/keypad")
        keypad = os.open(f"{work}/keypad", os.O_RDWR)
        make_tour(work)
        with open(f"{work}/kiosk.yaml", "w") as f:
            f.write(f"""data: {work}
database: {work}/kiosk.sqlite
tour: latency
audio: {{device: pulse, period_ms: {args.period_ms}}}
control: {{socket: {work}/control.sock}}
same_button: restart
triggers:
  serial:
    - port: {work}/ttyUSB0
      match: {{"^BTN(\\\\d+)$": "play \\\\1", "STOP": "stop"}}
      repeat_ignore_s: 0
  keypad: {{device: {work}/keypad, grab: false, keys: {{KEY_KPSLASH: stop}}}}
""")
        if args.calibrate:
            recorder = Recorder(env)
            time.sleep(1.0)
            values = []
            for trial in range(args.trials):
                recorder.wait_quiet()
                t0 = time.monotonic()
                recorder.arm(t0)
                player = subprocess.Popen(["paplay", f"{work}/audio/latency/{trial % 6 + 1}.ogg"], env=env)
                heard = recorder.wait_loud()
                player.terminate()
                player.wait()
                if heard is not None:
                    values.append(1000 * (heard[1] - t0))
            print(f"paplay spawn → first sound: p50 {percentile(values, 50):.1f} ms  p99 {percentile(values, 99):.1f} ms  (n={len(values)})")
            print("  " + " ".join(f"{v:.1f}" for v in values))
            return
        if args.direct:
            player = os.path.join(os.path.dirname(binary), "trigger-latency-player")
            daemon = subprocess.Popen([player, f"{work}/audio/latency", f"{work}/ttyUSB0", f"{work}/keypad", "pulse"],
                                      env=env, stderr=open(f"{work}/daemon.log", "w"))
            binary = player
        else:
            daemon = subprocess.Popen([binary, "daemon", "--config", f"{work}/kiosk.yaml"], env=env,
                                      stderr=open(f"{work}/daemon.log", "w"))
            for _ in range(200):
                if os.path.exists(f"{work}/control.sock"):
                    break
                time.sleep(0.05)
            else:
                sys.exit(f"daemon did not start; see {work}/daemon.log")
        recorder = Recorder(env)
        time.sleep(1.5)
        print(f"binary {binary}, period {args.period_ms} ms, {args.trials} trials per source, threshold -40 dBFS")

        # Trigger path alone: write → the player's state change announced on the control socket.
        control = None if args.direct else Control(f"{work}/control.sock")
        command = {"serial": [], "keypad": []}
        for trial in range(0 if args.direct else args.trials):
            for source in ("serial", "keypad"):
                stop = trial % 6 + 1
                control.idle()
                time.sleep(0.02)
                t0 = time.monotonic()
                if source == "serial":
                    os.write(primary, f"BTN{stop}\r\n".encode())
                else:
                    os.write(keypad, keypad_bytes([KEYPAD[stop], KPENTER]))
                t1, _ = control.read_reply()
                command[source].append(1000 * (t1 - t0))
                control.idle()
                os.write(primary, b"STOP\r\n")
                control.read_reply()
        for source, values in command.items():
            if not values:
                continue
            print(f"{source:7s} write → player state change (control socket idle): p50 {percentile(values, 50):5.2f} ms"
                  f"  p90 {percentile(values, 90):5.2f} ms  p99 {percentile(values, 99):5.2f} ms  max {max(values):5.2f} ms  (n={len(values)})")
        time.sleep(0.5)

        if "no audio engine" in open(f"{work}/daemon.log").read():
            print("this build has no audio engine (the daemon runs silent): sound latency not measured")
            return
        stops = [1, 2, 3, 4, 5, 6]
        results = {"serial": [], "keypad": []}
        arrivals = {"serial": [], "keypad": []}
        misses = {"serial": 0, "keypad": 0}
        for trial in range(args.trials):
            for source in ("serial", "keypad"):
                stop = stops[trial % len(stops)]
                if not recorder.wait_quiet():
                    sys.exit("the sink never fell quiet")
                if source == "serial":
                    data, fd = f"BTN{stop}\r\n".encode(), primary
                else:
                    data, fd = keypad_bytes([KEYPAD[stop], KPENTER]), keypad
                t0 = time.monotonic()
                recorder.arm(t0)
                os.write(fd, data)
                heard = recorder.wait_loud()
                if heard is None:
                    misses[source] += 1
                else:
                    results[source].append(1000 * (heard[0] - t0))
                    arrivals[source].append(1000 * (heard[1] - t0))
                time.sleep(0.15)
                os.write(primary, b"STOP\r\n") if source == "serial" else os.write(keypad, keypad_bytes([KPSLASH]))
        leads = [lead_in_ms(os.path.join(ROOT, "audio/moyo-selo", name)) for name in
                 sorted(os.listdir(os.path.join(ROOT, "audio/moyo-selo"))) if name.endswith(".ru.ogg")]
        for source, values in results.items():
            if not values:
                print(f"{source}: no sound heard in {misses[source]} trials")
                continue
            late = arrivals[source]
            print(f"{source:7s} write → first sound reaches the recorder: p50 {percentile(late, 50):5.1f} ms  p90 {percentile(late, 90):5.1f} ms"
                  f"  p99 {percentile(late, 99):5.1f} ms  max {max(late):5.1f} ms  (n={len(late)}, missed {misses[source]})")
            print(f"{'':7s} (on the stream's own clock: p50 {percentile(values, 50):.1f} ms, p99 {percentile(values, 99):.1f} ms;"
                  " PulseAudio renders and rewinds ahead of real time, so this one is biased low)")
        print("clip lead-in before the first sample above -40 dBFS (ru clips): "
              + ", ".join(f"{v:.1f}" for v in leads) + " ms")
    finally:
        if recorder:
            recorder.stop()
        if daemon:
            daemon.send_signal(signal.SIGTERM)
            daemon.wait(timeout=10)
        pulse.terminate()
        pulse.wait(timeout=10)
        if os.environ.get("KEEP") is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
