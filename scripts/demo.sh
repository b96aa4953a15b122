#!/usr/bin/env bash
# The newcomer's first command: install what Audiogid needs, build it, and show it working on the demo tours:
# check them, describe one, plan a route, then run the kiosk daemon and press stops from `audiogid ctl` and `mpc`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
swift build -c release --product audiogid
audiogid=$PWD/.build/release/audiogid
step() { printf '\n== %s\n' "$*"; }

step "Checking the three demo tours: audiogid validate tours/*"
"$audiogid" validate tours/*

step "The village walk: audiogid info tours/moyo-selo"
"$audiogid" info tours/moyo-selo

step "The ring walk, optimised: audiogid route koltso-vremeni --start-time 10:00"
"$audiogid" route koltso-vremeni --start-time 10:00
"$audiogid" route koltso-vremeni --format svg -o /tmp/koltso-vremeni.svg
echo "(map drawn to /tmp/koltso-vremeni.svg)"

# Play through the machine's sound card when it has one; a headless box keeps time silently.
device=default
if ! aplay -l 2>/dev/null | grep -q '^card'; then
    device=none
    echo; echo "(no sound card found: the daemon keeps time silently with --device none)"
fi
export AUDIOGID_SOCKET=/tmp/audiogid-demo.sock
data=$(mktemp -d)
ln -s "$PWD/tours" "$data/tours"
ln -s "$PWD/audio" "$data/audio"

step "The kiosk daemon on moyo-selo: audiogid daemon --data $data --device $device"
"$audiogid" daemon --data "$data" --tour moyo-selo --device "$device" &
daemon=$!
trap 'kill $daemon 2>/dev/null; wait $daemon 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 50); do "$audiogid" ctl status >/dev/null 2>&1 && break; sleep 0.1; done

step "A visitor presses stop 3: audiogid ctl play 3"
"$audiogid" ctl play 3
sleep 2
"$audiogid" ctl status | grep -E '^(state|stop|language|volume|elapsed):'
step "…chooses Chinese and presses stop 5: audiogid ctl lang zh; audiogid ctl play 5"
"$audiogid" ctl lang zh
"$audiogid" ctl play 5
sleep 2
step "Any MPD client is a remote control: mpc --host \$AUDIOGID_SOCKET playlist / current"
mpc --host "$AUDIOGID_SOCKET" playlist
mpc --host "$AUDIOGID_SOCKET" current
"$audiogid" ctl stop

step "The play log: audiogid stats --data $data"
"$audiogid" stats --data "$data"
