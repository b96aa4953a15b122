#!/usr/bin/env python3
"""Load benchmark of the visitor page: simulated phones on the boat's Wi-Fi while the kiosk plays a stop every 5 s.

Starts a silent daemon on a copy of the demo tours and `audiogid web` with its visitor listener (release build by
default), then:
  1. presses alone: `playstop N` on the control socket every 0.5 s, the daemon's own press latency with no phones;
  2. PHONES phones connect (aiohttp): each holds the event stream and saves its language's clips as the service
     worker does after Start (whole files), which gives the download throughput;
  3. the kiosk plays a stop every INTERVAL s, ROUNDS times: each phone's event arrival is timed from the press, and
     each phone fetches its clip as an audio element does (`Range: bytes=0-`);
  4. presses again with the phones connected: the daemon's press latency under load.
The web process's CPU time and peak RSS (VmHWM) come from /proc. Prints a summary and one JSON line.

    swift build -c release && python3 Benchmarks/visitors-load.py [--phones 300] [--rounds 12] [--interval 5] [--debug | --binary PATH]
"""
import argparse, asyncio, json, os, re, shutil, socket, statistics, subprocess, sys, tempfile, time

import aiohttp

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# A free port, a wait with a deadline and stopping what was started: the same as the browser tests use.
sys.path.insert(0, os.path.join(ROOT, "scripts"))
from e2ekit import copy_demo_tours, free_port, staff_user_line, stop_all, wait_for  # noqa: E402
LANGUAGES = ("ru", "zh", "en")


def percentile(values, p):
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * p / 100
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


class Control:
    """One connection to the daemon's control socket, as a button or mpc is."""

    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX)
        self.sock.connect(path)
        self.file = self.sock.makefile("rb")
        self.file.readline()  # OK MPD version

    def send(self, line):
        """Sends one command; returns the seconds until the daemon's OK."""
        start = time.perf_counter()
        self.sock.sendall((line + "\n").encode())
        while True:
            answer = self.file.readline()
            if answer.startswith(b"OK") or answer.startswith(b"ACK"):
                assert answer.startswith(b"OK"), answer
                return time.perf_counter() - start


def time_presses(sock, stops, count):
    """The daemon's press latency as a button's client sees it: `count` presses, from a process of its own. (Timed
    from the phones' process, each reply waited for Python's interpreter lock behind 300 phones' event loop.)"""
    out = subprocess.run([sys.executable, os.path.abspath(__file__), "--time-presses", sock, str(count)]
                         + [str(stop) for stop in stops], capture_output=True, text=True, check=True).stdout
    return json.loads(out)


def proc_cpu_seconds(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def proc_memory(pid):
    status = open(f"/proc/{pid}/status").read()
    return {key: int(re.search(rf"^{key}:\s+(\d+) kB", status, re.M).group(1)) / 1024 for key in ("VmRSS", "VmHWM")}


class Phone:
    def __init__(self, index, base, clips, language):
        self.index, self.base, self.clips, self.language = index, base, clips, language
        self.arrivals = {}   # event id -> (monotonic time, event)
        self.errors = []
        self.bytes = 0
        self.connected = asyncio.Event()

    async def listen(self, session):
        try:
            async with session.get(self.base + "/events", timeout=aiohttp.ClientTimeout(total=None, sock_read=None)) as response:
                assert response.status == 200, response.status
                self.connected.set()
                event_id, data = None, None
                async for raw in response.content:
                    line = raw.decode().rstrip("\n")
                    if line.startswith("id: "):
                        event_id = int(line[4:])
                    elif line.startswith("data: "):
                        data = line[6:]
                    elif line == "" and event_id is not None and data is not None:
                        arrived = time.monotonic()
                        event = json.loads(data)
                        self.arrivals[event_id] = (arrived, event)
                        if event["state"] == "play" and event.get("stop") is not None:
                            asyncio.get_running_loop().create_task(self.fetch(session, event["stop"], ranged=True))
                        event_id, data = None, None
        except asyncio.CancelledError:
            raise
        except Exception as error:  # noqa: BLE001 - every failure is a finding of the benchmark
            self.errors.append(f"events: {error!r}")
            self.connected.set()

    async def fetch(self, session, stop, ranged):
        url = self.clips.get(stop)
        if not url:
            return
        try:
            headers = {"Range": "bytes=0-"} if ranged else {}
            async with session.get(self.base + url, headers=headers) as response:
                if response.status not in (200, 206):
                    self.errors.append(f"clip {url}: {response.status}")
                self.bytes += len(await response.read())
        except Exception as error:  # noqa: BLE001
            self.errors.append(f"clip {url}: {error!r}")


def clip_urls(base, language):
    """The page's `data-clip` of each stop, as the phone's page reads them."""
    import urllib.request
    page = urllib.request.urlopen(f"{base}/?lang={language}", timeout=10).read().decode()
    return {int(n): url for n, url in re.findall(r'<li data-stop="(\d+)" data-clip="([^"]+)"', page)}


async def run_phones(args, base, sock, web_pid, control, stops):
    clips = {language: clip_urls(base, language) for language in LANGUAGES}
    connector = aiohttp.TCPConnector(limit=0, force_close=False)
    async with aiohttp.ClientSession(connector=connector) as session:
        phones = [Phone(i, base, clips[LANGUAGES[i % 3]], LANGUAGES[i % 3]) for i in range(args.phones)]
        cpu_start, wall_start = proc_cpu_seconds(web_pid), time.monotonic()
        listeners = [asyncio.create_task(phone.listen(session)) for phone in phones]
        await asyncio.wait_for(asyncio.gather(*(phone.connected.wait() for phone in phones)), 60)

        # Saving the tour after Start: every phone downloads its language's clips whole, one after another as the
        # page does, all phones at once (everyone tapping Start as the boat leaves).
        async def save(phone):
            for stop in phone.clips:
                await phone.fetch(session, stop, ranged=False)
        save_start = time.monotonic()
        await asyncio.gather(*(save(phone) for phone in phones))
        save_seconds = time.monotonic() - save_start
        saved_bytes = sum(phone.bytes for phone in phones)

        # The kiosk plays a stop every interval; each press's event is timed at every phone.
        presses = []
        loop = asyncio.get_running_loop()
        for round_number in range(args.rounds):
            stop = stops[round_number % len(stops)]
            before = max((max(p.arrivals) if p.arrivals else 0) for p in phones)
            pressed = time.monotonic()
            await loop.run_in_executor(None, control.send, f"playstop {stop}")
            presses.append((pressed, stop, before))
            await asyncio.sleep(args.interval)
        delays, missing = [], 0
        for pressed, stop, before in presses:
            for phone in phones:
                got = [(at, event) for event_id, (at, event) in phone.arrivals.items()
                       if event_id > before and event.get("stop") == stop and at >= pressed]
                if got:
                    delays.append(min(at for at, _ in got) - pressed)
                else:
                    missing += 1
        cpu_seconds = proc_cpu_seconds(web_pid) - cpu_start
        wall_seconds = time.monotonic() - wall_start
        memory = proc_memory(web_pid)
        # Presses with the phones still connected.
        loaded_press = await loop.run_in_executor(None, time_presses, sock, stops, 40)
        for task in listeners:
            task.cancel()
        await asyncio.gather(*listeners, return_exceptions=True)
        errors = [error for phone in phones for error in phone.errors]
        return {
            "phones": args.phones, "rounds": args.rounds,
            "event_ms": {"p50": percentile(delays, 50) * 1000, "p99": percentile(delays, 99) * 1000,
                         "max": max(delays) * 1000 if delays else None, "count": len(delays), "missing": missing},
            "save": {"bytes": saved_bytes, "seconds": save_seconds, "mb_per_s": saved_bytes / save_seconds / 1e6},
            "downloaded_mb": sum(phone.bytes for phone in phones) / 1e6,
            "web_cpu_percent": 100 * cpu_seconds / wall_seconds, "web_rss_mb": memory["VmRSS"], "web_peak_rss_mb": memory["VmHWM"],
            "press_loaded_ms": {"p50": percentile(loaded_press, 50) * 1000, "p99": percentile(loaded_press, 99) * 1000},
            "errors": errors[:10], "error_count": len(errors),
        }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--phones", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=12)
    parser.add_argument("--interval", type=float, default=5)
    parser.add_argument("--debug", action="store_true", help="use .build/debug instead of .build/release")
    parser.add_argument("--binary", help="the audiogid to run (e.g. .build-static/release/audiogid, the kiosk's build)")
    args = parser.parse_args()
    audiogid = args.binary or os.path.join(ROOT, ".build", "debug" if args.debug else "release", "audiogid")
    work = tempfile.mkdtemp(prefix="agvis-load-")
    processes = []
    try:
        copy_demo_tours(work, ("teplokhodik",))
        sock = os.path.join(work, "control.sock")
        port, staff_port = free_port(), free_port()
        user_line = staff_user_line("lighthouse-keeper", audiogid)
        config = os.path.join(work, "kiosk.yaml")
        with open(config, "w") as f:
            f.write(f"tour: teplokhodik\ndata: {work}\naudio:\n  device: none\n  sample_rate: 48000\ncontrol:\n  socket: {sock}\n"
                    f"web:\n  visitors: {{listen: \"127.0.0.1:{port}\"}}\n  users:\n  {user_line}\n")
        # At the niceness their systemd units give them (systemd/audiogid.service Nice=-5, audiogid-web.service
        # Nice=5): on a kiosk the daemon comes first and the page second. The phones' client runs at 0 here; on the
        # boat it is not on the kiosk at all.
        processes.append(subprocess.Popen(["nice", "-n", "-5", audiogid, "daemon", "--config", config],
                                          stderr=subprocess.DEVNULL))
        wait_for(lambda: os.path.exists(sock), 30, "the daemon")
        web = subprocess.Popen(["nice", "-n", "5", audiogid, "web", "--config", config, "--listen", f"127.0.0.1:{staff_port}"],
                               stderr=subprocess.DEVNULL)
        processes.append(web)

        def up():
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    return True
            except OSError:
                return False
        wait_for(up, 30, "the visitor page")
        control = Control(sock)
        stops = [1, 2, 3, 4, 5, 6]
        alone = time_presses(sock, stops, 40)
        result = asyncio.run(run_phones(args, f"http://127.0.0.1:{port}", sock, web.pid, control, stops))
        result["press_alone_ms"] = {"p50": percentile(alone, 50) * 1000, "p99": percentile(alone, 99) * 1000}
        e, s = result["event_ms"], result["save"]
        print(f"phones {result['phones']}, {result['rounds']} presses every {args.interval:g} s")
        print(f"event from press to phone: p50 {e['p50']:.1f} ms, p99 {e['p99']:.1f} ms, max {e['max']:.1f} ms "
              f"({e['count']} events, {e['missing']} missing)")
        print(f"saving the tour: {s['bytes'] / 1e6:.1f} MB in {s['seconds']:.2f} s = {s['mb_per_s']:.1f} MB/s; "
              f"{result['downloaded_mb']:.1f} MB downloaded in all")
        print(f"web process: CPU {result['web_cpu_percent']:.1f} % of one core, RSS {result['web_rss_mb']:.1f} MB "
              f"(peak {result['web_peak_rss_mb']:.1f} MB)")
        print(f"daemon press latency: alone p50 {result['press_alone_ms']['p50']:.2f} ms p99 {result['press_alone_ms']['p99']:.2f} ms; "
              f"with phones p50 {result['press_loaded_ms']['p50']:.2f} ms p99 {result['press_loaded_ms']['p99']:.2f} ms")
        print(f"errors: {result['error_count']} {result['errors']}")
        print(json.dumps(result))
        if result["error_count"] or e["missing"]:
            sys.exit(1)
    finally:
        stop_all(processes)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--time-presses"]:
        sock, count, stops = sys.argv[2], int(sys.argv[3]), sys.argv[4:]
        control = Control(sock)
        print(json.dumps([control.send(f"playstop {stops[i % len(stops)]}") for i in range(count)]))
    else:
        main()
