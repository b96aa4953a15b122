#!/usr/bin/env bash
# Installs a package built by scripts/package.sh into a clean Debian 13 chroot (a fresh copy of a cached minimal
# debootstrap; arm64 runs under qemu-user) and checks it as a technician would: apt install, --version, validate
# the demo tours, route, play --device none, the daemon as user audiogid answering `ctl status` and `ctl play 1`
# from another process, `doctor`, then remove (data kept) and purge (data gone). Prints each step's time.
#
#   sudo bash scripts/package-smoke.sh [amd64|arm64] [PACKAGE.deb]
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
out=$repo/.build-deb
cache=${AUDIOGID_DEB_CACHE:-$out/cache}
mkdir -p "$out" "$cache"
cache=$(cd "$cache" && pwd)
source packaging/chroot.sh

arch=${1:-amd64}
version=$(tr -d ' \n' <VERSION)
deb=${2:-$out/audiogid_${version}_$arch.deb}
[ -f "$deb" ] || { echo "smoke: no $deb (scripts/package.sh $arch makes it)" >&2; exit 2; }
[ "$arch" = arm64 ] && enable_arm64_emulation
base=$(base_chroot trixie "$arch")
root=$out/smoke-$arch
daemon_pid=
cleanup() {
    [ -n "$daemon_pid" ] && kill "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null
    unmount_all
}
trap cleanup EXIT

step_started=0
step() { step_started=$(date +%s%N); printf 'smoke %s: %s ... ' "$arch" "$1" >&2; }
passed() { local ms=$((($(date +%s%N) - step_started) / 1000000)); printf 'ok (%d.%02d s)\n' $((ms / 1000)) $((ms % 1000 / 10)) >&2; }
fail() { printf 'FAILED: %s\n' "$1" >&2; exit 1; }
run() { in_root "$root" "$@"; }

# One function, read whole before it runs: editing this file cannot change a running check.
main() {
    step "a clean Debian 13 root"
    rm -rf "$root"
    cp -a "$base" "$root"
    cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
    cp "$deb" "$root/tmp/"
    passed

    step "apt install ./$(basename "$deb")"
    run sh -c "apt-get update -qq && apt-get install -y -qq /tmp/$(basename "$deb")" >"$out/smoke-$arch-apt.log" 2>&1 \
        || { tail -20 "$out/smoke-$arch-apt.log" >&2; fail "apt install"; }
    [ -L "$root/etc/systemd/system/multi-user.target.wants/audiogid.service" ] || fail "the daemon is not enabled"
    [ ! -L "$root/etc/systemd/system/multi-user.target.wants/audiogid-web.service" ] || fail "the web page is enabled"
    run id audiogid | grep -q '(audio)' || fail "audiogid is not in the audio group: $(run id audiogid)"
    [ "$(run stat -c %U /var/lib/audiogid/tours)" = audiogid ] || fail "the demo tours are not the kiosk's"
    passed

    step "audiogid --version"
    [ "$(run audiogid --version)" = "$version" ] || fail "--version"
    passed

    step "audiogid validate /usr/share/audiogid/tours/*"
    run sh -c 'audiogid validate /usr/share/audiogid/tours/*' >"$out/smoke-$arch-validate.log" 2>&1 \
        || { cat "$out/smoke-$arch-validate.log" >&2; fail "validate"; }
    passed

    step "audiogid route (the boat tour)"
    run audiogid route /usr/share/audiogid/tours/teplokhodik | grep -q . || fail "route printed nothing"
    passed

    step "audiogid play --device none"
    run audiogid play /usr/share/audiogid/tours/moyo-selo 1 --device none >/dev/null 2>&1 || fail "play"
    passed

    step "the daemon, as user audiogid, until its socket answers"
    mkdir -p "$root/run/audiogid" && run chown audiogid:audiogid /run/audiogid
    # setpriv execs (no helper process in between), so $! is the daemon itself.
    chroot "$root" /usr/bin/env -i PATH=/usr/bin:/bin LANG=C.UTF-8 \
        setpriv --reuid=audiogid --regid=audiogid --init-groups audiogid daemon --config /etc/audiogid/kiosk.yaml --data /var/lib/audiogid \
        --socket /run/audiogid/control.sock --device none >"$out/smoke-$arch-daemon.log" 2>&1 &
    daemon_pid=$!
    ready=
    for _ in $(seq 600); do
        if run audiogid ctl --socket /run/audiogid/control.sock status >"$out/smoke-$arch-status.txt" 2>/dev/null; then
            ready=1; break
        fi
        kill -0 "$daemon_pid" 2>/dev/null || break
        sleep 0.1
    done
    [ -n "$ready" ] || { cat "$out/smoke-$arch-daemon.log" >&2; fail "the daemon did not answer within 60 s"; }
    passed

    step "audiogid ctl play 1, from another process"
    run audiogid ctl --socket /run/audiogid/control.sock play 1 >/dev/null || fail "ctl play 1"
    run audiogid ctl --socket /run/audiogid/control.sock status | grep -q '^state: play' \
        || fail "not playing after play 1: $(run audiogid ctl --socket /run/audiogid/control.sock status)"
    passed

    kill "$daemon_pid" && wait "$daemon_pid" 2>/dev/null || true
    daemon_pid=

    # Start-up to ready, as a kiosk boots: exec of the installed daemon (already indexed) until its socket greets a
    # client with MPD's "OK MPD", polled every 5 ms from outside the chroot; the median of $STARTS starts.
    step "start-up to ready (${STARTS:=5} starts)"
    python3 - "$root" "$STARTS" >"$out/smoke-$arch-startup.txt" <<'PY' || fail "start-up: $(cat "$out/smoke-$arch-startup.txt")"
import socket, statistics, subprocess, sys, time
root, starts = sys.argv[1], int(sys.argv[2])
path = root + "/run/audiogid/control.sock"
command = ["chroot", root, "/usr/bin/env", "-i", "PATH=/usr/bin:/bin", "LANG=C.UTF-8",
           "setpriv", "--reuid=audiogid", "--regid=audiogid", "--init-groups",
           "audiogid", "daemon", "--config", "/etc/audiogid/kiosk.yaml", "--data", "/var/lib/audiogid",
           "--socket", "/run/audiogid/control.sock", "--device", "none"]
times = []
for _ in range(starts):
    started = time.monotonic()
    daemon = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while True:
        if daemon.poll() is not None:
            sys.exit(f"the daemon exited with {daemon.returncode}")
        if time.monotonic() - started > 60:
            daemon.kill()
            sys.exit("no greeting within 60 s")
        try:
            with socket.socket(socket.AF_UNIX) as client:
                client.connect(path)
                if client.recv(64).startswith(b"OK MPD"):
                    break
        except OSError:
            pass
        time.sleep(0.005)
    times.append(time.monotonic() - started)
    daemon.terminate()
    daemon.wait(timeout=30)
print(f"start-up to ready: median {statistics.median(times) * 1000:.0f} ms over {starts} starts "
      f"(min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f})")
PY
    cat "$out/smoke-$arch-startup.txt" >&2
    passed

    step "audiogid doctor (no sound card, no systemd here: findings expected, never a crash)"
    set +e
    run audiogid doctor --format json >"$out/smoke-$arch-doctor.json" 2>"$out/smoke-$arch-doctor.err"
    status=$?
    set -e
    [ "$status" = 0 ] || [ "$status" = 1 ] || { cat "$out/smoke-$arch-doctor.err" >&2; fail "doctor exited $status"; }
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert any(c["area"]=="tour" and c["status"]=="ok" for c in d["checks"]), d' \
        "$out/smoke-$arch-doctor.json" || fail "doctor did not find the demo tour good"
    passed

    step "apt remove keeps the data, purge removes it"
    run apt-get remove -y -qq audiogid >/dev/null 2>&1 || fail "remove"
    [ -e "$root/var/lib/audiogid/audiogid.sqlite" ] || fail "remove deleted the play log"
    [ -e "$root/etc/audiogid/kiosk.yaml" ] || fail "remove deleted kiosk.yaml"
    run apt-get purge -y -qq audiogid >/dev/null 2>&1 || fail "purge"
    [ ! -e "$root/var/lib/audiogid" ] || fail "purge left /var/lib/audiogid"
    [ ! -e "$root/etc/audiogid" ] || fail "purge left /etc/audiogid"
    passed
    unmount_all
    rm -rf "$root"
    echo "smoke $arch: all passed" >&2
}
main "$@"; exit $?
