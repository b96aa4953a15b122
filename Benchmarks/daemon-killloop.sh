#!/usr/bin/env bash
# kill -9 loop: start the release daemon, have a client press stops and change the volume as fast as it can,
# SIGKILL the daemon at a random moment (10–400 ms in), restart, repeat. Afterwards every play the daemon
# acknowledged must be in the play log, in order (a play killed between its commit and its OK may be there
# too: at most one per kill), the database must pass SQLite's integrity check, and each restart must come
# back with the last acknowledged volume.
#
#   bash Benchmarks/daemon-killloop.sh [rounds]      # default 50
# (The volume found after a restart may also be one whose commit the kill beat to its OK: durable, not yet acknowledged.)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-50}
work=$(mktemp -d /tmp/audiogid-killloop-XXXXXX)
trap 'pkill -KILL -f "$work/control.sock" 2>/dev/null || true; rm -rf "$work"' EXIT

swift build -c release --product audiogid >/dev/null
bin=$(swift build -c release --show-bin-path)/audiogid
mkdir -p "$work/data"
cp -r tours audio "$work/data/"
printf 'same_button: restart\n' >"$work/kiosk.yaml"

python3 - "$bin" "$work" "$rounds" <<'PY'
import os, random, signal, socket, sqlite3, subprocess, sys, threading, time
binary, work, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
sock, db = f"{work}/control.sock", f"{work}/data/audiogid.sqlite"
acked, last_volume, inflight_volume, extra_allowed, restored_ok, inflight_restored = [], None, None, 0, 0, 0

def connect():
    for _ in range(500):
        try:
            s = socket.socket(socket.AF_UNIX); s.connect(sock); f = s.makefile("rwb"); f.readline(); return s, f
        except OSError:
            time.sleep(0.01)
    raise RuntimeError("daemon did not come up")

def send(f, line):
    f.write((line + "\n").encode()); f.flush()
    while True:
        l = f.readline()
        if not l: raise ConnectionError
        if l == b"OK\n": return True, []
        if l.startswith(b"ACK"): return False, []

for r in range(rounds):
    p = subprocess.Popen([binary, "daemon", "--config", f"{work}/kiosk.yaml", "--data", f"{work}/data", "--device", "none",
                          "--socket", sock], stderr=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
    s, f = connect()
    f.write(b"status\n"); f.flush()
    status = {}
    while (l := f.readline()) != b"OK\n":
        k, _, v = l.decode().rstrip("\n").partition(": "); status[k] = v
    if last_volume is not None:
        # The last acknowledged volume, or one whose commit the kill beat to its OK.
        assert int(status["volume"]) in (last_volume, inflight_volume), \
            f"round {r}: volume {status['volume']}, acknowledged {last_volume}, in flight {inflight_volume}"
        restored_ok += 1
        if int(status["volume"]) != last_volume: inflight_restored += 1
        last_volume = int(status["volume"])
    inflight_volume = None
    killer = threading.Timer(random.uniform(0.01, 0.4), lambda: os.kill(p.pid, signal.SIGKILL))
    killer.start()
    try:
        while True:
            if random.random() < 0.2:
                v = random.randint(0, 100)
                inflight_volume = v
                ok, _ = send(f, f"setvol {v}")
                if ok: last_volume = v
                inflight_volume = None
            else:
                n = random.randint(1, 7)
                ok, _ = send(f, f"playstop {n}")
                if ok: acked.append(n)
    except (ConnectionError, OSError):
        pass
    p.wait(); extra_allowed += 1
    s.close()

con = sqlite3.connect(db)
assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
rows = [n for (n,) in con.execute("SELECT stopNumber FROM play ORDER BY id")]
# Every acknowledged play, in order, as a subsequence of the log.
i = 0
for n in rows:
    if i < len(acked) and acked[i] == n: i += 1
assert i == len(acked), f"acknowledged play #{i} (stop {acked[i]}) missing from the log"
extra = len(rows) - len(acked)
print(f"{rounds} kill -9 rounds: {len(acked)} acknowledged plays, all in the log in order; {len(rows)} rows "
      f"({extra} committed but killed before their OK, at most one per kill: {extra <= extra_allowed}); "
      f"integrity_check ok; volume restored in {restored_ok}/{rounds - 1} restarts ({inflight_restored} of them the one in flight)")
assert 0 <= extra <= extra_allowed
PY
