# Debian chroots for building and checking the packages; sourced by scripts/package.sh and
# scripts/package-smoke.sh. Everything lands under $cache (git-ignored, kept between runs): a chroot is made once
# and reused; a smoke test works on a copy, so every check starts from a clean system.
#
# Needs (Debian host, as root): debootstrap; for arm64 also qemu-user-static with binfmt_misc (registered here).

mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
mounted=()

# Unmounts what with_mounts mounted, innermost first; run from an EXIT trap.
unmount_all() {
    local index
    for ((index = ${#mounted[@]} - 1; index >= 0; index--)); do
        umount -l "${mounted[index]}" 2>/dev/null || true
    done
    mounted=()
}

# bind_mount SOURCE ROOT/PATH: SOURCE visible inside a chroot (unmounted by unmount_all).
bind_mount() {
    mkdir -p "$2"
    mountpoint -q "$2" || { mount --bind "$1" "$2"; mounted+=("$2"); }
}

# in_root ROOT COMMAND...: runs COMMAND inside ROOT with /proc and /dev, a clean environment.
in_root() {
    local root=$1
    shift
    if ! mountpoint -q "$root/proc"; then mount -t proc proc "$root/proc"; mounted+=("$root/proc"); fi
    bind_mount /dev "$root/dev"
    chroot "$root" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
        LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"
}

# Lets arm64 programs run here (and inside chroots: the F flag loads the interpreter now).
enable_arm64_emulation() {
    [ "$(uname -m)" = aarch64 ] && return
    [ -e /proc/sys/fs/binfmt_misc/register ] || mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
    [ -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ] && return
    [ -f /usr/lib/binfmt.d/qemu-aarch64.conf ] || { echo "package: install qemu-user-static for arm64" >&2; exit 1; }
    cat /usr/lib/binfmt.d/qemu-aarch64.conf >/proc/sys/fs/binfmt_misc/register
}

# base_chroot SUITE ARCH: a minimal Debian (debootstrap --variant=minbase), made once; prints its path.
base_chroot() {
    local suite=$1 arch=$2 root="$cache/$1-$2"
    if [ ! -x "$root/usr/bin/apt-get" ]; then
        [ "$arch" = arm64 ] && enable_arm64_emulation
        rm -rf "$root.tmp"
        echo "package: debootstrap $suite $arch" >&2
        debootstrap --arch="$arch" --variant=minbase "$suite" "$root.tmp" "$mirror" >"$cache/$suite-$arch.log" 2>&1 \
            || { tail -20 "$cache/$suite-$arch.log" >&2; exit 1; }
        # A mirror or snapshot may be older than its Release file's Valid-Until.
        echo 'Acquire::Check-Valid-Until "false";' >"$root.tmp/etc/apt/apt.conf.d/99audiogid"
        echo 'APT::Install-Recommends "false";' >>"$root.tmp/etc/apt/apt.conf.d/99audiogid"
        mv "$root.tmp" "$root"
    fi
    echo "$root"
}

# derived_chroot NAME SUITE ARCH "PACKAGES" [SETUP]: a copy of the base chroot with PACKAGES installed (once),
# after the shell command SETUP; prints its path. A cached one made with another list (Package.swift gained a
# library) gets the packages it lacks installed, rather than failing the build on a missing header.
derived_chroot() {
    local name=$1 suite=$2 arch=$3 packages=$4 setup=${5:-true} root="$cache/$1" from
    packages=$(echo $packages)
    if [ -e "$root/.audiogid-ready" ] && [ "$(cat "$root/.audiogid-ready")" != "$packages" ]; then
        echo "package: updating $name ($packages)" >&2
        in_root "$root" sh -c "apt-get update -qq && apt-get install -y -qq --no-upgrade $packages" \
            >"$cache/$name.log" 2>&1 || { unmount_all; tail -20 "$cache/$name.log" >&2; exit 1; }
        unmount_all
        echo "$packages" >"$root/.audiogid-ready"
    fi
    if [ ! -e "$root/.audiogid-ready" ]; then
        from=$(base_chroot "$suite" "$arch")
        rm -rf "$root.tmp"
        cp -a "$from" "$root.tmp"
        cp /etc/resolv.conf "$root.tmp/etc/resolv.conf" 2>/dev/null || true
        echo "package: making $name ($packages)" >&2
        in_root "$root.tmp" sh -c "$setup && apt-get update -qq && apt-get install -y -qq $packages" \
            >"$cache/$name.log" 2>&1 || { unmount_all; tail -20 "$cache/$name.log" >&2; exit 1; }
        unmount_all
        echo "$packages" >"$root.tmp/.audiogid-ready"
        mv "$root.tmp" "$root"
    fi
    echo "$root"
}
