#!/usr/bin/env bash
# Boots the rig's guest once and runs one command in it: a QEMU (TCG) guest with the cached Debian kernel, whose
# root is the host's own root shared read-only over 9p under a tmpfs overlay, so the guest runs the host's build of
# audiogid, its python3, arecord and mpd unchanged, and nothing it writes reaches the host except OUTDIR.
#
#   scripts/rig/boot.sh OUTDIR COMMAND...
#
# COMMAND runs as root in the guest, in the repository's folder (the same path as on the host), with the rig's
# kernel modules at /lib/modules/<KVER> (so `modprobe snd-aloop` works). Its output goes to OUTDIR/guest.log, and
# the script's exit status is COMMAND's. Status 125 means the guest did not run the command at all (no qemu, no
# prepared kernel, a boot that failed or timed out); the reason is printed.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
CACHE=$ROOT/.build-rig
fail() { echo "rig: $*" >&2; exit 125; }
[ $# -ge 2 ] || fail "usage: scripts/rig/boot.sh OUTDIR COMMAND..."
OUT=$(mkdir -p "$1" && cd "$1" && pwd); shift

command -v qemu-system-x86_64 >/dev/null 2>&1 || fail "qemu-system-x86_64 is not installed: run scripts/rig.sh setup"
BUSYBOX=$(command -v busybox 2>/dev/null) || fail "busybox is not installed: run scripts/rig.sh setup"
[ -f "$CACHE/current" ] || fail "no prepared kernel in $CACHE: run scripts/rig.sh setup"
KVER=$(cat "$CACHE/current")
K=$CACHE/$KVER
[ -f "$K/ready" ] && [ -f "$K/vmlinux" ] || fail "kernel $KVER in $K is incomplete: run scripts/rig.sh setup"
MODS=$K/modules/lib/modules/$KVER

# The initramfs: busybox, the modules that reach the host's root (virtio, 9p, overlay), and /init.
INITRD=$(mktemp -d)
trap 'rm -rf "$INITRD"' EXIT
mkdir -p "$INITRD"/{bin,dev,proc,sys,host,out,ovl,merged,mods}
cp "$BUSYBOX" "$INITRD/bin/busybox"
for applet in $("$BUSYBOX" --list); do
    [ "$applet" = busybox ] || ln -s busybox "$INITRD/bin/$applet"   # a link of busybox to itself panics the boot
done
boot_modules=$(for m in virtio_pci 9pnet_virtio 9p overlay; do
    modprobe -d "$K/modules" -S "$KVER" --show-depends "$m"; done | awk '$1=="insmod"{print $2}' | awk '!seen[$0]++')
n=0
for path in $boot_modules; do
    n=$((n + 1)); cp "$path" "$INITRD/mods/$(printf %02d $n)-$(basename "$path")"
done
cat > "$INITRD/init" <<INIT
#!/bin/sh
export PATH=/bin
mount -t proc proc /proc; mount -t sysfs sysfs /sys; mount -t devtmpfs devtmpfs /dev
for m in /mods/*.ko; do insmod \$m || echo "RIG: insmod \$m failed"; done
mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000,ro host /host || echo "RIG: no host share"
mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 out /out || echo "RIG: no out share"
mount -t tmpfs -o size=70% tmpfs /ovl; mkdir /ovl/u /ovl/w
mount -t overlay overlay -o lowerdir=/host,upperdir=/ovl/u,workdir=/ovl/w /merged
for d in proc sys dev; do mount --bind /\$d /merged/\$d; done
mkdir -p /merged/dev/shm /merged/dev/pts /merged/tmp /merged/run /merged/lib/modules/$KVER "/merged$OUT"
mount -t tmpfs tmpfs /merged/dev/shm; mount -t devpts devpts /merged/dev/pts
mount -t configfs configfs /merged/sys/kernel/config 2>/dev/null
mount --bind "/merged$MODS" /merged/lib/modules/$KVER
mount --bind /out "/merged$OUT"
echo "RIG: booted"
chroot /merged /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
    LANG=C.UTF-8 RIG_OUT="$OUT" RIG_KVER=$KVER /bin/bash -c "cd '$ROOT' && . '$OUT/command.sh'" \
    > /out/guest.log 2>&1
echo \$? > /out/status
sync
echo "RIG: done"
poweroff -f
INIT
chmod +x "$INITRD/init"
(cd "$INITRD" && find . | cpio -o -H newc --quiet | gzip -1) > "$OUT/initrd.gz"

rm -f "$OUT/status" "$OUT/guest.log"
printf '%q ' "$@" > "$OUT/command.sh"
# -accel tcg: KVM here is nested PVM, which cannot boot a stock kernel (docs/dev/testing.md).
timeout "${RIG_TIMEOUT:-600}" qemu-system-x86_64 -accel tcg -cpu max -smp "${RIG_CPUS:-2}" -m 1536M \
    -kernel "$K/vmlinux" -initrd "$OUT/initrd.gz" \
    -append "console=ttyS0 quiet panic=-1" -nographic -no-reboot -nodefaults -serial stdio -display none \
    -virtfs local,path=/,mount_tag=host,security_model=none,readonly=on,multidevs=remap \
    -virtfs "local,path=$OUT,mount_tag=out,security_model=none" \
    > "$OUT/console.log" 2>&1 || true
rm -f "$OUT/initrd.gz"
if [ ! -f "$OUT/status" ]; then
    tail -20 "$OUT/console.log" >&2
    fail "the guest did not finish (boot failed or timed out after ${RIG_TIMEOUT:-600} s); console in $OUT/console.log"
fi
exit "$(cat "$OUT/status")"
