#!/usr/bin/env bash
# The staff web page under load: 20 concurrent clients (wrk) on the Now page and on /api/status, the web
# process's RSS idle and under load, and the daemon's press latency through mpc with and without 50 open pages
# (each holding the live event stream). The page must not slow a press.
#
#   swift build -c release --product audiogid && bash Benchmarks/web-load.sh [seconds] [presses]
# Needs wrk, mpc and curl (scripts/install-deps.sh). AUDIOGID_BINARY picks another build.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_RUN=${1:-10}
PRESSES=${2:-100}
BIN=${AUDIOGID_BINARY:-.build/release/audiogid}
[ -x "$BIN" ] || { echo "no $BIN: swift build -c release --product audiogid" >&2; exit 1; }

WORK=$(mktemp -d /tmp/agweb-load-XXXXXX)
PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

for part in tours audio; do mkdir -p "$WORK/$part"; cp -r "$part/moyo-selo" "$WORK/$part/"; done
SOCK="$WORK/control.sock"
USER_LINE=$(echo "bench-password" | "$BIN" passwd --user bench --role staff --stdin --cost 10 | grep 'bench:')
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$WORK/kiosk.yaml" <<YAML
tour: moyo-selo
data: $WORK
same_button: restart
audio:
  device: none
control:
  socket: $SOCK
web:
  listen: "127.0.0.1:$PORT"
  users:
  $USER_LINE
YAML

"$BIN" daemon --config "$WORK/kiosk.yaml" 2>"$WORK/daemon.log" & PIDS+=($!)
for _ in $(seq 200); do mpc -q --host "$SOCK" status >/dev/null 2>&1 && break; sleep 0.05; done
"$BIN" web --config "$WORK/kiosk.yaml" 2>"$WORK/web.log" & WEB=$!; PIDS+=($WEB)
for _ in $(seq 200); do curl -s -o /dev/null "http://127.0.0.1:$PORT/login" && break; sleep 0.05; done

COOKIE=$(curl -s -D - -o /dev/null -H 'Content-Type: application/json' -d '{"user":"bench","password":"bench-password"}' \
    "http://127.0.0.1:$PORT/api/login" | tr -d '\r' | sed -n 's/^[Ss]et-[Cc]ookie: \(audiogid_session=[^;]*\).*/\1/p')
[ -n "$COOKIE" ] || { echo "login failed" >&2; cat "$WORK/web.log" >&2; exit 1; }

rss() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
hwm() { awk '/^VmHWM/ {print $2}' "/proc/$1/status"; }
echo "web process RSS idle: $(rss $WEB) kB"

load() {  # path
    wrk -t2 -c20 -d"${SECONDS_PER_RUN}s" --latency -H "Cookie: $COOKIE" "http://127.0.0.1:$PORT$1" > "$WORK/wrk.txt"
    local p50 p99 rate errors
    p50=$(awk '$1 == "50%" {print $2}' "$WORK/wrk.txt")
    p99=$(awk '$1 == "99%" {print $2}' "$WORK/wrk.txt")
    rate=$(awk '/^Requests\/sec/ {print $2}' "$WORK/wrk.txt")
    errors=$(grep -E "Non-2xx|Socket errors" "$WORK/wrk.txt" || true)
    printf '%-12s 20 clients: p50 %s, p99 %s, %s requests/s %s\n' "$1" "$p50" "$p99" "$rate" "$errors"
}
load /
load /api/status
echo "web process RSS after load: $(rss $WEB) kB (peak $(hwm $WEB) kB)"

presses() {  # label
    python3 - "$SOCK" "$PRESSES" "$1" <<'PY'
import statistics, subprocess, sys, time
sock, count, label = sys.argv[1], int(sys.argv[2]), sys.argv[3]
times = []
for i in range(count):
    start = time.perf_counter()
    subprocess.run(["mpc", "-q", "--host", sock, "play", str(1 + i % 5)], check=True)
    times.append((time.perf_counter() - start) * 1000)
times.sort()
print(f"press through mpc, {label}: median {statistics.median(times):.2f} ms, p90 {times[int(len(times) * 0.9)]:.2f} ms ({count} presses)")
PY
}
presses "no page open"
for _ in $(seq 50); do
    curl -s -N -H "Cookie: $COOKIE" "http://127.0.0.1:$PORT/api/events" > /dev/null & PIDS+=($!)
done
# Wait until the 50 streams are connected.
for _ in $(seq 200); do [ "$(ss -Htn state established "( sport = :$PORT )" | wc -l)" -ge 50 ] && break; sleep 0.05; done
echo "open connections to the page: $(ss -Htn state established "( sport = :$PORT )" | wc -l)"
echo "web process RSS with 50 live pages: $(rss $WEB) kB"
presses "50 live pages open"
mpc -q --host "$SOCK" stop
