#!/usr/bin/env bash
# Prepares the driver rig's cache: a Debian kernel for QEMU with the modules the rig loads (gpio-sim built out of
# tree, because no Debian kernel enables it), keyed by the kernel version Debian's linux-image-amd64 names today.
# Security updates change that version (6.1.0-57 -> -58) and old ones leave the mirror, so it is resolved again on
# every run; a version already prepared is kept as it is. See docs/dev/testing.md ("The driver rig").
#
# Output: .build-rig/<KVER>/{vmlinux, modules/lib/modules/<KVER>/..., ready} and .build-rig/current (the KVER).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
CACHE=$ROOT/.build-rig
die() { echo "rig setup: $*" >&2; exit 1; }

SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
# Host tools: the emulator, the guest's /init (busybox), and what builds a kernel module.
need=()
for pair in qemu-system-x86_64:qemu-system-x86 busybox:busybox-static cpio:cpio depmod:kmod xz:xz-utils \
            make:make gcc:gcc arecord:alsa-utils; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || need+=("${pair#*:}")
done
# busybox must be the static one: the guest's initramfs has no libc.
if command -v busybox >/dev/null 2>&1 && ! file -L "$(command -v busybox)" 2>/dev/null | grep -q 'statically linked'; then
    need+=(busybox-static)
fi
dpkg-query -W -f='${Status}' libelf1 2>/dev/null | grep -q 'ok installed' || need+=(libelf1)
if [ ${#need[@]} -gt 0 ]; then
    echo "rig setup: installing ${need[*]}"
    [ -n "${AUDIOGID_SKIP_APT_UPDATE:-}" ] || $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null || die "cannot install ${need[*]}"
fi

KVER=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/{sub("linux-image-","",$2); print $2; exit}')
[ -n "$KVER" ] || die "apt-cache does not name a kernel for linux-image-amd64 (no Debian archive in apt's sources?)"
KBASE=${KVER%-amd64}                 # 6.1.0-57
KSERIES=$(echo "$KVER" | cut -d. -f1,2)   # 6.1
DIR=$CACHE/$KVER
if [ -f "$DIR/ready" ]; then
    echo "$KVER" > "$CACHE/current"
    echo "rig setup: kernel $KVER already prepared in $DIR"
    exit 0
fi

IMAGE_VERSION=$(apt-cache policy "linux-image-$KVER" | awk '/Candidate:/{print $2}')
SOURCE_VERSION=$(apt-cache policy "linux-source-$KSERIES" | awk '/Candidate:/{print $2}')
[ -n "$IMAGE_VERSION" ] && [ "$IMAGE_VERSION" != "(none)" ] || die "linux-image-$KVER is not in the archive"
# gpio-sim reads the kernel's private struct gpio_desc: its source must be the image's own version.
[ "$IMAGE_VERSION" = "$SOURCE_VERSION" ] || die "linux-source-$KSERIES is $SOURCE_VERSION but linux-image-$KVER is $IMAGE_VERSION: gpio-sim cannot be built for this kernel"

echo "rig setup: preparing kernel $KVER ($IMAGE_VERSION) in $DIR"
rm -rf "$DIR.tmp"; mkdir -p "$DIR.tmp/debs"
WORK=$DIR.tmp
# As root, apt would hand the download to its _apt user, which cannot write into the cache: download as root.
sandbox=()
[ "$(id -u)" != 0 ] || sandbox=(-o APT::Sandbox::User=root)
(cd "$WORK/debs" && apt-get download -q "${sandbox[@]}" "linux-image-$KVER" "linux-headers-$KVER" "linux-headers-$KBASE-common" \
    "linux-kbuild-$KSERIES" "linux-source-$KSERIES" >/dev/null) || die "cannot download the kernel packages for $KVER"
mkdir -p "$WORK/modules" "$WORK/hdr" "$WORK/src"
dpkg-deb -x "$WORK"/debs/linux-image-"$KVER"_*.deb "$WORK/modules"
for deb in "$WORK"/debs/linux-headers-*.deb "$WORK"/debs/linux-kbuild-*.deb; do dpkg-deb -x "$deb" "$WORK/hdr"; done
# The headers' Makefile names the -common tree by its installed path; point it into the cache instead.
grep -rl "/usr/src/linux-headers-$KBASE-common" "$WORK/hdr/usr/src/linux-headers-$KVER" 2>/dev/null \
    | xargs -r sed -i "s|/usr/src/linux-headers-$KBASE-common|$WORK/hdr/usr/src/linux-headers-$KBASE-common|g"
# kbuild's scripts are linked from /usr/lib/linux-kbuild-X by absolute path, too.
find "$WORK/hdr" -type l -lname "/usr/lib/linux-kbuild-$KSERIES*" | while read -r link; do
    ln -sfn "$WORK/hdr$(readlink "$link")" "$link"
done

# gpio-sim: three files of the kernel's source (about 10 s of xz for the 138 MB tarball).
dpkg-deb --fsys-tarfile "$WORK"/debs/linux-source-"$KSERIES"_*.deb \
    | tar -x -C "$WORK/src" --wildcards "./usr/src/linux-source-$KSERIES.tar.xz"
tar -xJf "$WORK/src/usr/src/linux-source-$KSERIES.tar.xz" -C "$WORK/src" \
    "linux-source-$KSERIES/drivers/gpio/gpio-sim.c" "linux-source-$KSERIES/drivers/gpio/gpiolib.h" \
    "linux-source-$KSERIES/kernel/irq/irq_sim.c" "linux-source-$KSERIES/scripts/extract-vmlinux"
rm -f "$WORK/src/usr/src/linux-source-$KSERIES.tar.xz"
S=$WORK/src/linux-source-$KSERIES
mkdir -p "$WORK/gpiosim"
cp "$S/drivers/gpio/gpio-sim.c" "$WORK/gpiosim/gpio-sim-main.c"
cp "$S/drivers/gpio/gpiolib.h" "$S/kernel/irq/irq_sim.c" "$WORK/gpiosim/"
# irq_to_desc is not exported to modules in 6.1; generic_handle_irq does the same for a simulated irq.
sed -i 's|handle_simple_irq(irq_to_desc(irqnum));|generic_handle_irq(irqnum);|' "$WORK/gpiosim/irq_sim.c"
grep -q 'generic_handle_irq(irqnum);' "$WORK/gpiosim/irq_sim.c" || die "irq_sim.c of $KVER no longer has the line the rig patches"
printf 'obj-m := gpio-sim.o\ngpio-sim-y := gpio-sim-main.o irq_sim.o\n' > "$WORK/gpiosim/Kbuild"
make -s -C "$WORK/hdr/usr/src/linux-headers-$KVER" M="$WORK/gpiosim" modules >"$WORK/gpiosim.log" 2>&1 \
    || { cat "$WORK/gpiosim.log" >&2; die "building gpio-sim for $KVER failed"; }
mkdir -p "$WORK/modules/lib/modules/$KVER/extra"
cp "$WORK/gpiosim/gpio-sim.ko" "$WORK/modules/lib/modules/$KVER/extra/"
depmod -b "$WORK/modules" "$KVER"

# An uncompressed vmlinux boots about 3 s faster under TCG than the xz bzImage (no decompression in emulation).
bash "$S/scripts/extract-vmlinux" "$WORK/modules/boot/vmlinuz-$KVER" > "$WORK/vmlinux" \
    || die "cannot extract vmlinux from vmlinuz-$KVER"

# Keep only what boots need: the kernel, the modules; drop the downloads and the build trees (about 700 MB).
rm -rf "$WORK/debs" "$WORK/hdr" "$WORK/src" "$WORK/modules/usr" "$WORK/modules/boot"
echo "$IMAGE_VERSION" > "$WORK/ready"
rm -rf "$DIR"; mv "$WORK" "$DIR"
echo "$KVER" > "$CACHE/current"
echo "rig setup: kernel $KVER ready ($(du -sh "$DIR" | cut -f1))"
