#!/usr/bin/env bash
# Guest side: loads the simulated hardware's drivers (scripts/rig/boot.sh puts the rig kernel's modules in place).
set -euo pipefail
modprobe configfs
modprobe gpio-sim         # built out of tree by scripts/rig/setup.sh
modprobe uinput
modprobe evdev            # without it a uinput device has no /dev/input/event*
modprobe snd-aloop index=0 id=Loopback pcm_substreams=2
mountpoint -q /sys/kernel/config || mount -t configfs configfs /sys/kernel/config
