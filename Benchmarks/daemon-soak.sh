#!/usr/bin/env bash
# Soak benchmark for the kiosk daemon: several MPD-protocol clients send 10,000 commands in random order
# (plays, stops, pauses, languages, volume, queue listings, idle, bad input) to the release daemon playing
# through the real audio engine into ALSA's null PCM. Reports throughput, RSS at start and end, and checks
# that every play the daemon acknowledged is in the play log.
#
#   bash Benchmarks/daemon-soak.sh                 # 10,000 commands, 8 clients, spread over 180 s
#   bash Benchmarks/daemon-soak.sh 2000 4 0        # a quick run, as fast as the clients can go
set -euo pipefail
cd "$(dirname "$0")/.."
commands=${1:-10000}; clients=${2:-8}; seconds=${3:-180}

work=$(mktemp -d /tmp/audiogid-soak-XXXXXX)
daemon_pid=""
cleanup() { [ -n "$daemon_pid" ] && kill "$daemon_pid" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

swift build -c release --product audiogid >/dev/null
bin=$(swift build -c release --show-bin-path)/audiogid

mkdir -p "$work/data"
cp -r tours audio "$work/data/"
# Only ALSA's null PCM: the engine decodes, resamples and mixes every clip, and the samples vanish. Unpaced,
# so each clip "plays" in a blink and the log sees many finished plays as well as interrupted ones.
cat >"$work/asound.conf" <<'CONF'
pcm.null { type null }
CONF
cat >"$work/kiosk.yaml" <<CONF
data: $work/data
tour: moyo-selo
same_button: restart     # every acknowledged play command starts a play, so the log can be checked exactly
audio: {device: "null", paced: false}
CONF
ALSA_CONFIG_PATH=$work/asound.conf "$bin" daemon --config "$work/kiosk.yaml" --socket "$work/control.sock" \
    >"$work/daemon.log" 2>&1 &
daemon_pid=$!
for _ in $(seq 100); do [ -S "$work/control.sock" ] && break; sleep 0.1; done

python3 - "$work/control.sock" "$commands" "$clients" "$daemon_pid" "$work/data/audiogid.sqlite" "$seconds" <<'PY'
import random, socket, sqlite3, sys, threading, time
from collections import Counter

path, total, clients, pid, db = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
seconds = float(sys.argv[6])
gap = seconds * clients / total   # mean pause between one client's commands

def rss_kb():
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"): return int(line.split()[1])

class Client:
    def __init__(self):
        self.s = socket.socket(socket.AF_UNIX); self.s.connect(path); self.s.settimeout(30)
        self.f = self.s.makefile("rwb")
        assert self.f.readline().startswith(b"OK MPD ")
    def send(self, line):
        self.f.write(line if isinstance(line, bytes) else (line + "\n").encode()); self.f.flush()
        lines = []
        while True:
            l = self.f.readline()
            if not l: raise ConnectionError("closed")
            l = l.rstrip(b"\n")
            if l == b"OK": return True, lines
            if l.startswith(b"ACK"): return False, lines
            lines.append(l)

# Weighted command mix: what remotes, buttons and home automation send, plus garbage.
# Pause and resume are left out: resuming (or pressing the paused stop) continues a play without a new
# log row, and from idle starts one, which would blur the exact count. The tests cover them.
plain = ["status", "currentsong", "playlistinfo", "stats", "outputs", "ping", "stop", "getvol",
         "setvol 40", "volume +5", "volume -5", "language next", "language zh", "language en", "language ru",
         "frobnicate", "playstop 99", "setvol x", 'playstop "unclosed', "plchanges 0", "commands", "tagtypes"]
plays = ["playstop 1", "playstop 2", "playstop 3", "playstop 4", "playstop 5", "playstop 6", "playstop 7",
         "play 0", "play 3", "playid 2", "replay", "next", "previous"]
acked = Counter(); lock = threading.Lock(); errors = []; latencies = []

def worker(n, seed):
    rnd = random.Random(seed); c = Client(); mine = Counter(); lat = []
    for i in range(n):
        if gap > 0: time.sleep(rnd.uniform(0, 2 * gap))
        r = rnd.random()
        try:
            if r < 0.45:
                line = rnd.choice(plays)
                t = time.perf_counter(); ok, _ = c.send(line); lat.append(time.perf_counter() - t)
                if ok:
                    # The log row is written before the OK, so every OK here is one row, whoever preempts it.
                    mine["plays"] += 1
            elif r < 0.47:
                c.f.write(b"idle\n"); c.f.flush(); time.sleep(0.001); c.f.write(b"noidle\n"); c.f.flush()
                while True:
                    l = c.f.readline()
                    if l in (b"OK\n",) or l.startswith(b"ACK"): break
            elif r < 0.48:
                c.send(b"command_list_ok_begin\nstatus\nsetvol 30\ncommand_list_end\n")
            elif r < 0.485:
                c.send(b"\xff\xfe bad utf8\n")
            else:
                t = time.perf_counter(); c.send(rnd.choice(plain)); lat.append(time.perf_counter() - t)
        except Exception as e:
            errors.append(repr(e)); c = Client()
    with lock:
        acked.update(mine); latencies.extend(lat)

warm = Client()
for _ in range(200): warm.send("status")
rss_start = rss_kb()
start = time.time()
threads = [threading.Thread(target=worker, args=(total // clients, k)) for k in range(clients)]
for t in threads: t.start()
samples = []
while any(t.is_alive() for t in threads):
    time.sleep(max(1, seconds / 12))
    samples.append(rss_kb())
for t in threads: t.join()
elapsed = time.time() - start
time.sleep(0.5)
ok, status = Client().send("status")   # a new connection: the warm-up one timed out meanwhile (connection_timeout)
rss_end = rss_kb()
con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
rows = con.execute("SELECT COUNT(*) FROM play").fetchone()[0]
open_rows = con.execute("SELECT COUNT(*) FROM play WHERE outcome = 'playing'").fetchone()[0]
outcomes = dict(con.execute("SELECT outcome, COUNT(*) FROM play GROUP BY outcome").fetchall())
latencies.sort()
p = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000
print(f"commands: {total} from {clients} clients in {elapsed:.1f} s ({total / elapsed:.0f}/s); client errors: {len(errors)}")
print(f"round trip per command: p50 {p(0.5):.2f} ms, p99 {p(0.99):.2f} ms")
print(f"daemon RSS: {rss_start} kB after warm-up, {rss_end} kB at the end ({rss_end - rss_start:+d} kB)")
print(f"RSS during the run (kB): {' '.join(map(str, samples))}")
print(f"acknowledged plays: {acked['plays']}; play log rows: {rows} {outcomes}; still open: {open_rows}")
state = [l.decode() for l in status if l.startswith((b"state", b"volume"))]
print(f"daemon answers afterwards: {ok} ({', '.join(state)})")
if errors: print("errors:", errors[:5])
assert ok and not errors, "daemon stopped answering or clients failed"
assert rows == acked["plays"], "an acknowledged play is missing from the log (or an unacknowledged one is there)"
assert open_rows <= 1
print("PASS: no crash, no stuck state, every acknowledged play logged")
PY
kill -0 "$daemon_pid" && echo "daemon still running (pid $daemon_pid)"
grep -ciE "critical|fatal" "$work/daemon.log" | sed 's/^/critical log lines: /' || true
