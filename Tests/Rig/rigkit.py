"""Guest side of the driver rig: the simulated hardware, the daemon, and a tiny test harness.

Runs inside the QEMU guest (scripts/rig/boot.sh) as root, with the host's python3 (standard library only: the
host has no numpy). Audio is compared with `audioop`, whose loops are C: pure Python loops are too slow under
emulation.

The hardware is the kernel's own simulation of it:
- GPIO: gpio-sim, a chip made through configfs; a test "presses" a button by setting the simulated line's pull,
  and reads an LED from the simulated line's value.
- Keypad: uinput creates an input device; evdev gives it a /dev/input/event* node the daemon opens.
- Sound: snd-aloop's playback side (hw:Loopback,0,0) is what the daemon plays to, and its capture side
  (hw:Loopback,1,0) gives back exactly those samples; arecord records them.
"""
import array
import audioop
import fcntl
import math
import os
import random
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
import traceback
import wave

AUDIOGID = os.environ.get("AUDIOGID", "")
OUT = os.environ.get("RIG_OUT", "/tmp")
RATE = 48000

# ---------------------------------------------------------------------------------------------------- harness

_cases = []
_log = sys.stdout


def case(fn):
    """Marks a test case; `main()` runs them in the order they are written."""
    _cases.append(fn)
    return fn


_started = time.monotonic()


def say(*parts):
    print(f"[{time.monotonic() - _started:7.2f}]", *parts, file=_log, flush=True)


class Failed(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failed(message)
    say("ok:", message)


def main():
    """Runs every case of the calling module; one `RIG-RESULT name PASS|FAIL seconds` line each.
    Exits 0 when all passed, 3 when some failed (run.sh then knows every case reported)."""
    global _log
    module = os.path.splitext(os.path.basename(sys.argv[0]))[0]
    only = os.environ.get("RIG_CASE")
    failed = 0
    for fn in _cases:
        if only and fn.__name__ != only:
            continue
        name = f"{module}.{fn.__name__}"
        _log = open(os.path.join(OUT, name + ".log"), "w")
        start = time.monotonic()
        result = "PASS"
        try:
            fn()
        except Exception as error:  # noqa: BLE001 - a failing case must never stop the others
            result = "FAIL"
            say("FAILED:", error)
            say(traceback.format_exc())
        finally:
            cleanup()
        seconds = time.monotonic() - start
        _log.close()
        _log = sys.stdout
        if result != "PASS":
            failed += 1
            with open(os.path.join(OUT, name + ".log")) as f:
                sys.stdout.write(f.read())
        print(f"RIG-RESULT {name} {result} {seconds:.1f}", flush=True)
    sys.exit(3 if failed else 0)


_cleanups = []


def on_cleanup(fn):
    _cleanups.append(fn)


def cleanup():
    while _cleanups:
        fn = _cleanups.pop()
        try:
            fn()
        except Exception as error:  # noqa: BLE001
            say("cleanup:", error)


# Deadlines are stretched this many times: under emulation on a shared 2-core host a daemon start took 16 s and a
# press 10 s to be heard in a busy run. A deadline only bounds a failing wait; a passing one returns at once.
PATIENCE = float(os.environ.get("RIG_PATIENCE", "3"))


def wait_until(seconds, condition, what, every=0.02):
    """Polls `condition` until it is true; fails naming `what` after `seconds` (times PATIENCE). Returns its last
    value."""
    seconds *= PATIENCE
    deadline = time.monotonic() + seconds
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise Failed(f"timed out after {seconds} s waiting for {what}")
        time.sleep(every)

# ---------------------------------------------------------------------------------------------------- GPIO

GPIO_V2_LINE_FLAG = {"used": 1 << 0, "active_low": 1 << 1, "input": 1 << 2, "output": 1 << 3,
                     "edge_rising": 1 << 4, "edge_falling": 1 << 5, "bias_pull_up": 1 << 8,
                     "bias_pull_down": 1 << 9, "bias_disabled": 1 << 10}
GPIO_V2_GET_LINEINFO_IOCTL = 0xC100B405  # _IOWR(0xB4, 0x05, struct gpio_v2_line_info), 256 bytes
GPIO_V2_LINE_ATTR_ID_DEBOUNCE = 3


class GpioSim:
    """A gpio-sim chip with one bank of `lines` lines, made through configfs, removed by cleanup."""

    def __init__(self, name="rig", lines=8, label="rig-buttons", names=None):
        self.dir = f"/sys/kernel/config/gpio-sim/{name}"
        os.mkdir(self.dir)
        on_cleanup(self.remove)
        os.mkdir(self.dir + "/bank0")
        write(self.dir + "/bank0/num_lines", str(lines))
        write(self.dir + "/bank0/label", label)
        self.line_dirs = []
        self.pulls = {}
        for offset, line_name in (names or {}).items():
            d = f"{self.dir}/bank0/line{offset}"
            os.mkdir(d)
            write(d + "/name", line_name)
            self.line_dirs.append(d)
        write(self.dir + "/live", "1")
        self.chip = read(self.dir + "/bank0/chip_name")
        self.path = "/dev/" + self.chip
        self.sys = f"/sys/devices/platform/{read(self.dir + '/dev_name')}/{self.chip}"
        wait_until(5, lambda: os.path.exists(self.path), self.path)

    def pull(self, offset, level):
        """Sets the simulated line's pull: 'pull-up' (a released button) or 'pull-down' (pressed to ground).
        The attribute stays open: opening a sysfs file costs milliseconds under emulation, and a bounce must
        fit in a few."""
        if offset not in self.pulls:
            self.pulls[offset] = os.open(f"{self.sys}/sim_gpio{offset}/pull", os.O_WRONLY)
        os.pwrite(self.pulls[offset], level.encode(), 0)

    def press(self, offset):
        self.pull(offset, "pull-down")

    def release(self, offset):
        self.pull(offset, "pull-up")

    def value(self, offset):
        """The line's level as the chip sees it: for an output (an LED), what the daemon drives."""
        return int(read(f"{self.sys}/sim_gpio{offset}/value"))

    def line_info(self, offset):
        """The line's state through the uAPI (GPIO_V2_GET_LINEINFO_IOCTL): flags, consumer and debounce."""
        buf = bytearray(256)
        struct.pack_into("I", buf, 64, offset)
        with open(self.path, "rb", buffering=0) as chip:
            fcntl.ioctl(chip.fileno(), GPIO_V2_GET_LINEINFO_IOCTL, buf)
        name = buf[0:32].split(b"\0")[0].decode()
        consumer = buf[32:64].split(b"\0")[0].decode()
        num_attrs, flags = struct.unpack_from("IQ", buf, 68)[0], struct.unpack_from("Q", buf, 72)[0]
        debounce_us = None
        for i in range(num_attrs):
            attr_id, _, value = struct.unpack_from("IIQ", buf, 80 + 16 * i)
            if attr_id == GPIO_V2_LINE_ATTR_ID_DEBOUNCE:
                debounce_us = value & 0xFFFFFFFF
        set_flags = {k for k, bit in GPIO_V2_LINE_FLAG.items() if flags & bit}
        return {"name": name, "consumer": consumer, "flags": set_flags, "debounce_us": debounce_us}

    def remove(self):
        for fd in self.pulls.values():
            os.close(fd)
        self.pulls = {}
        if not os.path.isdir(self.dir):
            return
        write(self.dir + "/live", "0")
        for d in self.line_dirs:
            os.rmdir(d)
        os.rmdir(self.dir + "/bank0")
        os.rmdir(self.dir)

# ---------------------------------------------------------------------------------------------------- keypad

EV_SYN, EV_KEY = 0, 1
UI_SET_EVBIT, UI_SET_KEYBIT = 0x40045564, 0x40045565
UI_DEV_SETUP = 0x405C5503           # _IOW('U', 3, struct uinput_setup), 92 bytes
UI_DEV_CREATE, UI_DEV_DESTROY = 0x5501, 0x5502
UI_GET_SYSNAME_64 = 0x8040552C      # _IOC(_IOC_READ, 'U', 44, 64)
KEY = {"KP0": 82, "KP1": 79, "KP2": 80, "KP3": 81, "KP4": 75, "KP5": 76, "KP6": 77, "KP7": 71, "KP8": 72,
       "KP9": 73, "KPENTER": 96, "KPPLUS": 78, "KPMINUS": 74, "NUMLOCK": 69}
INPUT_EVENT = struct.Struct("qqHHi")  # struct input_event on 64-bit: timeval, type, code, value (24 bytes)


class Keypad:
    """A USB numeric keypad made with uinput; `node` is its /dev/input/event* device, `link` a stable name to it
    (what udev's /dev/input/by-id link is on a kiosk; the guest has no udev)."""

    def __init__(self, name="rig-keypad", link="/dev/input/rig-keypad"):
        self.name, self.link = name, link
        self.fd = os.open("/dev/uinput", os.O_WRONLY | os.O_NONBLOCK)
        on_cleanup(self.unplug)
        fcntl.ioctl(self.fd, UI_SET_EVBIT, EV_KEY)
        for code in KEY.values():
            fcntl.ioctl(self.fd, UI_SET_KEYBIT, code)
        fcntl.ioctl(self.fd, UI_DEV_SETUP, struct.pack("HHHH80sI", 3, 0x1209, 0x0001, 1, name.encode(), 0))
        fcntl.ioctl(self.fd, UI_DEV_CREATE)
        sysname = bytearray(64)
        fcntl.ioctl(self.fd, UI_GET_SYSNAME_64, sysname)
        sysdir = "/sys/devices/virtual/input/" + sysname.split(b"\0")[0].decode()
        event = wait_until(5, lambda: [e for e in os.listdir(sysdir) if e.startswith("event")], "an event node")[0]
        self.node = "/dev/input/" + event
        wait_until(5, lambda: os.path.exists(self.node), self.node)
        os.makedirs(os.path.dirname(link), exist_ok=True)
        if os.path.lexists(link):
            os.unlink(link)
        os.symlink(self.node, link)

    def key(self, code, value):
        os.write(self.fd, INPUT_EVENT.pack(0, 0, EV_KEY, code, value) + INPUT_EVENT.pack(0, 0, EV_SYN, 0, 0))

    def tap(self, *names):
        for name in names:
            self.key(KEY[name], 1)
            self.key(KEY[name], 0)

    def unplug(self):
        if self.fd is None:
            return
        fcntl.ioctl(self.fd, UI_DEV_DESTROY)
        os.close(self.fd)
        self.fd = None
        if os.path.lexists(self.link):
            os.unlink(self.link)


class EventReader:
    """Another program reading the keypad's event node (without a grab): what it saw."""

    def __init__(self, node):
        self.fd = os.open(node, os.O_RDONLY | os.O_NONBLOCK)
        on_cleanup(lambda: os.close(self.fd))

    def keys(self):
        got = []
        while True:
            try:
                data = os.read(self.fd, INPUT_EVENT.size * 64)
            except BlockingIOError:
                return got
            for i in range(0, len(data), INPUT_EVENT.size):
                _, _, kind, code, value = INPUT_EVENT.unpack_from(data, i)
                if kind == EV_KEY:
                    got.append((code, value))

# ---------------------------------------------------------------------------------------------------- sound


def tone(seconds, frequency, amplitude=0.25, rate=RATE):
    return [amplitude * math.sin(2 * math.pi * frequency * n / rate) for n in range(int(seconds * rate))]


def noise(seconds, seed, amplitude=0.25, rate=RATE):
    """Low-passed noise (most energy below 4 kHz, so resampling keeps it), repeatable by seed."""
    rng = random.Random(seed)
    out, y = [], 0.0
    a = math.exp(-2 * math.pi * 3000 / rate)
    for _ in range(int(seconds * rate)):
        y = a * y + (1 - a) * rng.uniform(-1, 1)
        out.append(y)
    peak = max(abs(v) for v in out) or 1
    return [amplitude * v / peak for v in out]


def write_wav(path, samples, rate=RATE):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(array.array("h", (int(max(-1, min(1, v)) * 32767) for v in samples)).tobytes())


def read_wav(path):
    with wave.open(path, "rb") as w:
        data = w.readframes(w.getnframes())
        if w.getnchannels() == 2:
            data = audioop.tomono(data, 2, 1, 0)
        return data, w.getframerate()


def resample(data, rate_from, rate_to):
    """A reference for a clip the daemon converts: sox's high-quality resampler (the daemon uses libsoxr)."""
    src, dst = tempfile.mktemp(suffix=".raw"), tempfile.mktemp(suffix=".raw")
    with open(src, "wb") as f:
        f.write(data)
    subprocess.run(["sox", "-t", "raw", "-r", str(rate_from), "-e", "signed", "-b", "16", "-c", "1", src,
                    "-t", "raw", "-r", str(rate_to), dst, "rate", "-v"], check=True)
    with open(dst, "rb") as f:
        return f.read()


class Capture:
    """Records the loopback card's capture side (what the daemon played) with arecord, as 16-bit stereo."""

    def __init__(self, rate=RATE, device="hw:Loopback,1,0"):
        self.rate = rate
        self.stopped = None
        self.path = tempfile.mktemp(suffix=".raw")
        # arecord reports an overrun (it fell behind and the card dropped what it captured meanwhile) on stderr.
        self.errors = open(self.path + ".log", "w+")
        # Above the daemon's real-time playback thread (SCHED_FIFO 20), with a 2 s buffer: in the emulated guest a
        # recorder at normal priority was kept off the CPU for over 0.6 s now and then, overran its 0.5 s buffer,
        # and the capture lost the clip's first quarter second (the daemon had played it: the rest matched exactly).
        self.proc = subprocess.Popen(["chrt", "-f", "50", "arecord", "-D", device, "-t", "raw", "-f", "S16_LE",
                                      "-r", str(rate), "-c", "2", "--buffer-time=2000000", self.path],
                                     stderr=self.errors)
        on_cleanup(self.stop)
        # Recording has started once the first period is on disk.
        wait_until(10, lambda: os.path.exists(self.path) and os.path.getsize(self.path) > 0 or self.proc.poll() is not None,
                   "arecord to start")
        check(self.proc.poll() is None, "arecord records from the loopback card")

    def stop(self, tail_s=0.3):
        """Stops recording `tail_s` of capture after now (what the card played last is still in arecord's buffer
        when the daemon reports a clip's end); returns the left channel as 16-bit mono bytes (kept under $RIG_OUT)."""
        if self.stopped is not None:
            return self.stopped
        if self.proc.poll() is None:
            wanted = os.path.getsize(self.path) + int(tail_s * self.rate) * 4
            wait_until(10, lambda: os.path.getsize(self.path) >= wanted, "the capture to run on past the sound")
            self.proc.send_signal(signal.SIGINT)
            self.proc.wait(10)
        self.errors.seek(0)
        said = self.errors.read()
        check("overrun" not in said, "the recorder kept up with the card (arecord: "
              + (said.strip().replace("\n", " | ") or "nothing") + ")")
        with open(self.path, "rb") as f:
            data = f.read()
        data = data[: len(data) // 4 * 4]
        self.stopped = audioop.tomono(data, 2, 1, 0)
        keep("capture", self.stopped)
        return self.stopped

    def seconds(self):
        return os.path.getsize(self.path) / 4 / self.rate


def keep(name, data):
    """Saves 16-bit mono samples under $RIG_OUT for a look after a failure (sox -t raw -r 48000 -e signed -b 16)."""
    path = f"{OUT}/{name}-{int(time.monotonic() * 1000)}.raw"
    with open(path, "wb") as f:
        f.write(data)
    say(f"kept the capture in {path}")


def samples(data):
    return array.array("h", data)


def peak(data):
    return audioop.max(data, 2) if data else 0


def onset(data, threshold):
    """Index of the first sample louder than `threshold`, or None."""
    s = samples(data)
    for i, v in enumerate(s):
        if v > threshold or v < -threshold:
            return i
    return None


def last_sound(data, threshold):
    s = samples(data)
    for i in range(len(s) - 1, -1, -1):
        if s[i] > threshold or s[i] < -threshold:
            return i
    return None


def correlation(capture, reference, at=None, length_s=0.25, slack=1500):
    """Best normalised correlation of `reference` (its first `length_s`, after its own onset) with the capture
    near `at` (a sample index; default the capture's onset). The lag is searched within ±`slack` samples on the
    first 50 ms (every 4th lag, then the neighbours of the best), then the correlation is taken over `length_s`
    at that lag. (Not audioop.findfit: its least-squares fit prefers silence.) Returns (correlation, capture
    index where the clip starts)."""
    ref_start = onset(reference, peak(reference) * 0.05) or 0
    ref = reference[2 * ref_start: 2 * (ref_start + int(length_s * RATE))]
    head = ref[: 2 * RATE // 20]
    if at is None:
        at = onset(capture, max(peak(capture) * 0.05, 200))
        if at is None:
            return 0.0, None
    frames = len(capture) // 2 - len(head) // 2
    lo, hi = max(0, at - slack), min(frames, at + slack)
    if hi <= lo:
        return 0.0, None

    def fit(start):
        return ncc(capture[2 * start: 2 * start + len(head)], head)

    best = max(range(lo, hi + 1, 4), key=fit)
    best = max(range(max(lo, best - 3), min(hi, best + 3) + 1), key=fit)
    part = capture[2 * best: 2 * best + len(ref)]
    if len(part) < len(ref):
        return 0.0, best
    return ncc(part, ref), best


def match(capture, reference, at=None, length_s=0.5, segment_s=0.05):
    """How well the capture holds the clip, allowing for gaps: the first `length_s` of the reference in 50 ms
    segments, each found where the previous one ended or, when the sound broke off there (an underrun's gap:
    emulation on a busy host stalls), where it starts again. A wrong clip scores about 0 on every segment; a
    segment a gap splits scores low, hence the median. Returns (median correlation of the segments, gaps bridged)."""
    ref_start = onset(reference, peak(reference) * 0.05) or 0
    seg = int(segment_s * RATE)
    count = int(length_s * RATE) // seg
    score, start = correlation(capture, reference, at=at, length_s=segment_s)
    if start is None:
        return 0.0, 0
    scores, gaps, position = [score], 0, start + seg
    threshold = max(peak(capture) * 0.05, 200)
    for k in range(1, count):
        piece = reference[2 * (ref_start + k * seg): 2 * (ref_start + (k + 1) * seg)]
        if len(piece) < 2 * seg:
            break
        here = [(ncc(capture[2 * p: 2 * p + len(piece)], piece), p) for p in range(max(0, position - 8), position + 9)]
        best, where = max(here)
        if best < 0.9:
            # Sound broke off: the segment continues where the capture is loud again.
            resume = onset(capture[2 * position:], threshold)
            if resume is not None:
                r = position + resume
                again = [(ncc(capture[2 * p: 2 * p + len(piece)], piece), p) for p in range(max(0, r - 400), r + 400, 2)]
                if again and max(again)[0] > best:
                    best, where = max(again)
                    gaps += 1
        scores.append(best)
        position = where + seg
    return sorted(scores)[len(scores) // 2], gaps


def rig_audio(device="hw:Loopback,0,0", **settings):
    """kiosk.yaml's `audio:` for the rig. Periods of 50 ms, 8 of them: the guest is emulated (TCG) on a host that
    may be busy, and stalls for tens of ms; the default 4 x 10 ms buffer (right for a Pi) underruns there many
    times a second, and every underrun is a gap that spoils the comparison with the clip. A press does not wait
    for the buffer (the daemon takes it back), so this costs the tests no latency."""
    fields = {"device": f'"{device}"', "period_ms": 50, "periods": 8, **settings}
    return "audio: {" + ", ".join(f"{k}: {v}" for k, v in fields.items()) + "}\nvolume: 100\n"


def ncc(a, b):
    """Normalised correlation of two equal-length 16-bit fragments, from C-speed sums: with a and b scaled by
    1/2 to avoid clipping, rms(a+b)^2 - rms(a)^2 - rms(b)^2 = 2*mean(a*b)."""
    n = min(len(a), len(b))
    if n < 2:
        return 0.0
    a, b = audioop.mul(a[:n], 2, 0.5), audioop.mul(b[:n], 2, 0.5)
    ra, rb = audioop.rms(a, 2), audioop.rms(b, 2)
    if ra == 0 or rb == 0:
        return 0.0
    rab = audioop.rms(audioop.add(a, b, 2), 2)
    return (rab * rab - ra * ra - rb * rb) / (2 * ra * rb)


def max_step(data):
    """The largest jump between consecutive samples (a click)."""
    s = samples(data)
    return max((abs(s[i] - s[i - 1]) for i in range(1, len(s))), default=0)

# ---------------------------------------------------------------------------------------------------- daemon


class Tour:
    """A small tour in a fresh data folder, one generated clip per stop: {number: (samples, rate)}."""

    def __init__(self, clips, tour_id="rig"):
        self.dir = tempfile.mkdtemp(prefix="rig-data-")
        self.id = tour_id
        self.clips = {}
        stops = []
        for number, (data, rate) in sorted(clips.items()):
            rel = f"{tour_id}/{number:02d}.wav"
            write_wav(f"{self.dir}/audio/{rel}", data, rate)
            self.clips[number] = read_wav(f"{self.dir}/audio/{rel}")
            stops.append(f"  - {{id: s{number}, number: {number}, title: \"Stop {number}\", audio: {rel}}}")
        os.makedirs(f"{self.dir}/tours/{tour_id}")
        write(f"{self.dir}/tours/{tour_id}/tour.yaml",
              f"format: 1\nid: {tour_id}\ntitle: Rig\nlanguages: [en]\nstops:\n" + "\n".join(stops) + "\n")

    def reference(self, number, rate=RATE):
        """The clip as 16-bit mono at `rate` (resampled as the daemon would when the clip has another rate)."""
        data, clip_rate = self.clips[number]
        return data if clip_rate == rate else resample(data, clip_rate, rate)


class Daemon:
    """The host's build of `audiogid daemon`, run with a kiosk.yaml; its log is kept and shown on failure."""

    def __init__(self, tour, kiosk_yaml, name="daemon"):
        self.dir = tour.dir
        self.socket = f"{self.dir}/control.sock"
        self.config = f"{self.dir}/kiosk.yaml"
        write(self.config, f"data: {self.dir}\ntour: {tour.id}\ncontrol: {{socket: {self.socket}}}\n" + kiosk_yaml)
        say("kiosk.yaml:\n" + read(self.config))
        self.log_path = f"{OUT}/{name}-{os.getpid()}-{int(time.monotonic() * 1000)}.log"
        self.log_file = open(self.log_path, "w")
        self.proc = subprocess.Popen([AUDIOGID, "daemon", "--config", self.config], stdout=self.log_file,
                                     stderr=subprocess.STDOUT)
        on_cleanup(self.stop)
        wait_until(60, lambda: "ready in" in self.log() or self.proc.poll() is not None, "the daemon to be ready")
        check(self.proc.poll() is None, f"the daemon started ({self.ready_line()})")

    def ready_line(self):
        return next((line for line in self.log().splitlines() if "ready in" in line), "no ready line")

    def log(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()

    def log_count(self, pattern):
        return len(re.findall(pattern, self.log(), re.MULTILINE))

    def plays(self, stop, source=None):
        """How many times the log says stop `stop` started playing (from `source`: gpio, keypad, socket)."""
        return self.log_count(rf"source={source or '[a-z]+'} stop={stop} .*\] play$")

    def request(self, line):
        """One MPD-protocol command on the control socket; returns the reply's lines (fails on ACK)."""
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(10)
            s.connect(self.socket)
            f = s.makefile("rwb")
            f.readline()  # OK MPD <version>
            f.write((line + "\n").encode())
            f.flush()
            lines = []
            while True:
                reply = f.readline().decode().rstrip("\n")
                if reply == "OK":
                    return lines
                if reply.startswith("ACK") or not reply:
                    raise Failed(f"'{line}': {reply or 'connection closed'}")
                lines.append(reply)

    def status(self):
        return dict(line.split(": ", 1) for line in self.request("status"))

    def cpu_seconds(self):
        fields = read(f"/proc/{self.proc.pid}/stat").rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log_file.close()
        say(f"--- daemon log ({self.log_path}):\n" + self.log()[-4000:])


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


def read(path):
    with open(path) as f:
        return f.read().strip()
