#!/usr/bin/env bash
# Builds the Debian packages: .build-deb/audiogid_VERSION_amd64.deb and/or _arm64.deb, for Debian 13 (trixie) and
# Raspberry Pi OS based on it (64-bit: Pi 3, 4, 5, Zero 2 W).
#
#   sudo bash scripts/package.sh [amd64|arm64|all]      # default: amd64
#
# How (docs/kiosk-setup.md, "Building the packages"): both architectures are cross-built the same way, by Debian's
# own Swift 6.2 compiler (sid's `swiftlang`, in an amd64 sid chroot) against a sysroot of Debian 13's libraries
# for that architecture (a trixie chroot with the -dev packages) plus sid's Swift runtime for it, linked in with
# --static-swift-stdlib. So the program needs only Debian 13's glibc and C libraries, whose packages
# dpkg-shlibdeps names in Depends (run inside that same trixie root, which knows its own packages).
# The first run makes the chroots (about 10 min and 2 GB of downloads); later runs reuse them from
# .build-deb/cache (AUDIOGID_DEB_CACHE to put them elsewhere). Needs root, debootstrap, qemu-user-static (arm64).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
out=$repo/.build-deb
cache=${AUDIOGID_DEB_CACHE:-$out/cache}
mkdir -p "$out" "$cache"
cache=$(cd "$cache" && pwd)
source packaging/chroot.sh
# One run at a time: two runs would share the compiler chroot's mounts and unmount them under each other.
exec 9>"$cache/.lock"
flock -n 9 || { echo "package: another scripts/package.sh holds $cache/.lock" >&2; exit 1; }
trap unmount_all EXIT

case "${1:-amd64}" in
    amd64) arches=(amd64) ;;
    arm64) arches=(arm64) ;;
    all) arches=(amd64 arm64) ;;
    *) echo "usage: scripts/package.sh [amd64|arm64|all]" >&2; exit 2 ;;
esac
[ "$(id -u)" = 0 ] || { echo "package: run as root (chroots and mounts)" >&2; exit 2; }

version=$(tr -d ' \n' <VERSION)
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}
triplet() { case $1 in amd64) echo x86_64-linux-gnu ;; arm64) echo aarch64-linux-gnu ;; esac; }
swift_triple() { case $1 in amd64) echo x86_64-pc-linux-gnu ;; arm64) echo aarch64-unknown-linux-gnu ;; esac; }
seconds() { date +%s; }
timings=()

# The compiler: sid's swiftlang (6.2.3) in an amd64 sid chroot, with the local Swift package mirror's git rule.
compiler_root() {
    derived_chroot sid-amd64-swift sid amd64 "swiftlang libc6-dev g++ pkg-config git ca-certificates"
}

# Sid's Swift runtime for ARCH (the target's stdlib modules and static libraries): the compiler's own for amd64,
# from sid's swiftlang .deb for another architecture.
swift_runtime() {
    local arch=$1 compiler=$2 folder="$cache/swift-runtime-$1" source
    if [ ! -e "$folder/.audiogid-ready" ]; then
        echo "package: Swift runtime for $arch from sid's swiftlang" >&2
        rm -rf "$folder" && mkdir -p "$folder/usr/libexec/swift/lib"
        if [ "$arch" = amd64 ]; then
            source=$compiler
        else
            in_root "$compiler" sh -c "dpkg --add-architecture $arch && apt-get update -qq && mkdir -p /tmp/runtime \
                && cd /tmp/runtime && rm -f swiftlang_*.deb && apt-get download -qq swiftlang:$arch" >"$cache/swift-runtime-$arch.log" 2>&1 \
                || { tail "$cache/swift-runtime-$arch.log" >&2; exit 1; }
            unmount_all
            dpkg-deb -x "$compiler"/tmp/runtime/swiftlang_*_"$arch".deb "$folder/deb"
            source=$folder/deb
        fi
        for part in swift swift_static clang; do
            cp -a "$source/usr/libexec/swift/lib/$part" "$folder/usr/libexec/swift/lib/"
        done
        # Host-side parts of the toolchain, not for the target.
        rm -rf "$folder/deb" "$compiler"/tmp/runtime "$folder"/usr/libexec/swift/lib/swift/{host,embedded,pm,FrameworkABIBaseline}
        touch "$folder/.audiogid-ready"
    fi
    echo "$folder"
}

# The -dev packages Package.swift's system-library targets name as their apt providers, read from it, so a library
# added there reaches the sysroot without an edit here.
package_swift_providers() {
    grep -o '\.apt(\[[^]]*\])' Package.swift | grep -o '"[^"]*"' | tr -d '"' | sort -u | tr '\n' ' '
}

# The target's root: Debian 13 with the -dev libraries the project links (Package.swift's system libraries, the ones
# it links by name: GeographicLib, SQLite; Foundation's: libxml2, libcurl, zlib; the Swift runtime's own:
# libstdc++, libgcc), dpkg-dev for dpkg-shlibdeps, and binutils for strip.
target_sysroot() {
    local arch=$1 compiler=$2 root runtime
    root=$(derived_chroot "sysroot-trixie-$arch" trixie "$arch" "libc6-dev libgcc-14-dev libstdc++-14-dev \
        $(package_swift_providers) libsqlite3-dev libgeographiclib-dev \
        libxml2-dev libcurl4-openssl-dev zlib1g-dev dpkg-dev binutils")
    if [ ! -e "$root/.audiogid-runtime" ]; then
        runtime=$(swift_runtime "$arch" "$compiler")
        cp -a "$runtime/usr/libexec" "$root/usr/"
        # The driver links swiftrt.o and the static runtime from <sysroot>/usr/lib/swift{,_static}.
        ln -sfn ../libexec/swift/lib/swift_static "$root/usr/lib/swift_static"
        ln -sfn ../libexec/swift/lib/swift "$root/usr/lib/swift"
        touch "$root/.audiogid-runtime"
    fi
    # Absolute links would lead the linker to the build machine's own (x86, sid) files: make them relative (every
    # run: packages installed into a cached root bring their own).
    find "$root/usr/lib" -type l -lname '/*' | while read -r link; do
        ln -sfn "$(realpath -m --relative-to="$(dirname "$link")" "$root$(readlink "$link")")" "$link"
    done
    echo "$root"
}

# The Swift SDK bundle (schema as SwiftPM 6 reads it) pointing at the sysroot as the compiler chroot sees it.
write_sdk() {
    local arch=$1 bundle="$cache/sdk-$1/debian-trixie-$1.artifactbundle"
    mkdir -p "$bundle/trixie-$arch"
    ln -sfn "/cache/sysroot-trixie-$arch" "$bundle/trixie-$arch/sysroot"
    cat >"$bundle/info.json" <<JSON
{"schemaVersion": "1.0", "artifacts": {"debian-trixie-$arch": {"type": "swiftSDK", "version": "13",
 "variants": [{"path": "trixie-$arch", "supportedTriples": ["x86_64-unknown-linux-gnu", "x86_64-pc-linux-gnu"]}]}}}
JSON
    cat >"$bundle/trixie-$arch/swift-sdk.json" <<JSON
{"schemaVersion": "4.0", "targetTriples": {"$(swift_triple "$arch")": {
  "sdkRootPath": "sysroot",
  "swiftResourcesPath": "sysroot/usr/libexec/swift/lib/swift",
  "swiftStaticResourcesPath": "sysroot/usr/libexec/swift/lib/swift_static",
  "toolsetPaths": ["toolset.json"]}}}
JSON
    cat >"$bundle/trixie-$arch/toolset.json" <<JSON
{"schemaVersion": "1.0", "swiftCompiler": {"extraCLIOptions": ["-use-ld=lld", "-no-toolchain-stdlib-rpath"]}}
JSON
}

# The repository at /src and the cache at /cache inside the compiler's chroot, and the host's git rules (a local
# mirror of the Swift packages, when the host has one) with the mirror itself.
compiler_mounts() {
    local compiler=$1 key value
    bind_mount "$repo" "$compiler/src"
    bind_mount "$cache" "$compiler/cache"
    rm -f "$compiler/etc/gitconfig"
    chroot "$compiler" git config --system safe.directory '*'
    local base
    while read -r key value; do
        chroot "$compiler" git config --system --add "$key" "$value"
        base=${key#url.}
        base=${base%.insteadof}
        case $base in /*) [ -d "$base" ] && bind_mount "$base" "$compiler$base" ;; esac
    done < <(git config --system --get-regexp '^url\..*\.insteadof$' || true)
}

# compile ARCH COMPILER: the release build of `audiogid` for ARCH, into $binary. (Functions that mount are called
# directly, not in $(...), so the EXIT trap knows every mount.)
# The kiosk's release flags (scripts/release/swift-build-flags: the Swift runtime linked in, lld ordering the
# daemon's functions, packed relocations, identical code folded, no exported symbols; docs/dev/benchmarks.md,
# "Memory"), as the compiler's chroot sees the repository. Without exported symbols dpkg-shlibdeps reads 1,500
# dynamic symbols, not 40,000: under qemu-user (arm64) that is seconds instead of 6 minutes. --disable-local-rpath:
# no RUNPATH $ORIGIN, the program loads nothing from beside itself.
compile() {
    local arch=$1 compiler=$2 sysroot="/cache/sysroot-trixie-$1" scratch=".build-deb/build-$1" flags
    source scripts/release/flags.sh
    flags=$(release_swift_flags "$repo" | sed "s|=$repo/|=/src/|" | tr "\\n" " ")
    compiler_mounts "$compiler"
    echo "package: building audiogid for $arch (release, static Swift runtime; log: .build-deb/build-$arch.log)" >&2
    in_root "$compiler" sh -c "cd /src && \
        PKG_CONFIG_SYSROOT_DIR=$sysroot \
        PKG_CONFIG_PATH=$sysroot/usr/lib/$(triplet "$arch")/pkgconfig:$sysroot/usr/share/pkgconfig \
        PKG_CONFIG_LIBDIR=$sysroot/usr/lib/$(triplet "$arch")/pkgconfig:$sysroot/usr/share/pkgconfig \
        swift build -c release $flags --disable-local-rpath --product audiogid --scratch-path $scratch \
            --swift-sdks-path /cache/sdk-$arch --swift-sdk debian-trixie-$arch" >"$out/build-$arch.log" 2>&1 \
        || { tail -30 "$out/build-$arch.log" >&2; exit 1; }
    binary="$repo/$scratch/$(swift_triple "$arch")/release/audiogid"
}

# The man pages (one per subcommand), from swift-argument-parser's generate-manual, which reads the program's own
# help (--experimental-dump-help, given here from a file, so the target's binary need not run on the build
# machine). The tool is built for the compiler's machine in the same scratch folder (its packages already fetched).
man_pages() {
    local compiler=$1 help_json=$2 into=$3 scratch=$4
    compiler_mounts "$compiler"
    in_root "$compiler" sh -c "cd /src && swift build -c release --product generate-manual --scratch-path $scratch \
        && cp \"\$(swift build -c release --scratch-path $scratch --show-bin-path)/generate-manual\" .build-deb/generate-manual" \
        >"$out/tools.log" 2>&1 || { tail -20 "$out/tools.log" >&2; exit 1; }
    mkdir -p "$out/help"
    cp "$help_json" "$out/help/audiogid.json"
    printf '#!/bin/sh\nexec cat "$(dirname "$0")/audiogid.json"\n' >"$out/help/audiogid"
    chmod 755 "$out/help/audiogid"
    rm -rf "$out/man" && mkdir -p "$out/man"
    in_root "$compiler" /src/.build-deb/generate-manual /src/.build-deb/help/audiogid \
        --multi-page --section 1 --date "$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%d)" \
        --authors "Audiogid authors" --output-directory /src/.build-deb/man >>"$out/tools.log" 2>&1 \
        || { tail -20 "$out/tools.log" >&2; exit 1; }
    mkdir -p "$into/usr/share/man/man1"
    for page in "$out"/man/*.1; do gzip -9n <"$page" >"$into/usr/share/man/man1/$(basename "$page").gz"; done
}

# assemble ARCH BINARY SYSROOT COMPILER: the package's tree, control file and .deb, into $deb.
assemble() {
    local arch=$1 binary=$2 sysroot=$3 compiler=$4 stage="$out/stage-$1"
    deb="$out/audiogid_${version}_$1.deb"
    in_root "$sysroot" true    # mounts /proc and /dev here, so the $(in_root ...) below find them
    rm -rf "$stage"
    install -d "$stage/DEBIAN" "$stage/usr/bin" "$stage/usr/lib/systemd/system" "$stage/etc/audiogid" \
        "$stage/usr/share/audiogid" "$stage/usr/share/doc/audiogid/examples" \
        "$stage/usr/share/bash-completion/completions" "$stage/usr/share/zsh/vendor-completions" \
        "$stage/usr/share/fish/vendor_completions.d"
    # Stripped as dh_strip does, by the target's own binutils (in its root).
    install -m 755 "$binary" "$sysroot/tmp/audiogid"
    in_root "$sysroot" strip --strip-unneeded --remove-section=.comment --remove-section=.note /tmp/audiogid
    install -m 755 "$sysroot/tmp/audiogid" "$stage/usr/bin/audiogid"
    # What the program says about itself: run in the target's root (under qemu-user for arm64).
    [ "$(in_root "$sysroot" /tmp/audiogid --version)" = "$version" ] \
        || { echo "package: audiogid --version does not print $version" >&2; exit 1; }
    # Sourced by bash-completion, not run: without the #! line.
    in_root "$sysroot" /tmp/audiogid --generate-completion-script bash | sed '1{/^#!/d}' \
        >"$stage/usr/share/bash-completion/completions/audiogid"
    in_root "$sysroot" /tmp/audiogid --generate-completion-script zsh >"$stage/usr/share/zsh/vendor-completions/_audiogid"
    in_root "$sysroot" /tmp/audiogid --generate-completion-script fish >"$stage/usr/share/fish/vendor_completions.d/audiogid.fish"
    in_root "$sysroot" /tmp/audiogid --experimental-dump-help >"$out/help-$arch.json"
    man_pages "$compiler" "$out/help-$arch.json" "$stage" ".build-deb/build-$arch"

    # The units, pointed at /usr/bin. The groups come from the user's membership (postinst adds the ones that
    # exist), not SupplementaryGroups=, which stops a unit from starting when a group is missing (no gpio on a PC).
    sed -e 's|/usr/local/bin/audiogid|/usr/bin/audiogid|g' -e '/^SupplementaryGroups=audio/d' \
        -e '/^#   sudo \(useradd\|install\|systemctl enable\)/d' \
        systemd/audiogid.service >"$stage/usr/lib/systemd/system/audiogid.service"
    sed -e 's|/usr/local/bin/audiogid|/usr/bin/audiogid|g' -e '/^#   sudo install/d' \
        systemd/audiogid-web.service >"$stage/usr/lib/systemd/system/audiogid-web.service"
    install -m 644 packaging/kiosk.yaml "$stage/etc/audiogid/kiosk.yaml"
    cp -R tours audio "$stage/usr/share/audiogid/"
    install -m 644 packaging/examples/* "$stage/usr/share/doc/audiogid/examples/"
    install -m 644 packaging/debian/copyright "$stage/usr/share/doc/audiogid/copyright"
    install -D -m 644 packaging/debian/lintian-overrides "$stage/usr/share/lintian/overrides/audiogid"
    gzip -9n <docs/kiosk-setup.md >"$stage/usr/share/doc/audiogid/kiosk-setup.md.gz"
    {
        echo "audiogid ($version) unstable; urgency=medium"
        echo
        echo "  * Built from commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown) by scripts/package.sh."
        echo
        echo " -- Audiogid maintainers <audiogid@example.org>  $(date -u -R -d "@$SOURCE_DATE_EPOCH")"
    } | gzip -9n >"$stage/usr/share/doc/audiogid/changelog.gz"

    install -m 644 packaging/debian/conffiles "$stage/DEBIAN/conffiles"
    install -m 755 packaging/debian/postinst packaging/debian/prerm packaging/debian/postrm "$stage/DEBIAN/"
    find "$stage" -type d -exec chmod 755 {} +
    find "$stage/usr/share" "$stage/etc" -type f -exec chmod 644 {} +

    # Depends: dpkg-shlibdeps in the target's root, which knows which of its packages holds each library. Its
    # warnings (no cross compiler named, ld.so's usr-merge diversion, not a dpkg-buildpackage tree) go to a log.
    rm -rf "$sysroot/tmp/shlibs" && mkdir -p "$sysroot/tmp/shlibs/debian"
    printf 'Source: audiogid\n\nPackage: audiogid\nArchitecture: any\n' >"$sysroot/tmp/shlibs/debian/control"
    cp "$stage/usr/bin/audiogid" "$sysroot/tmp/shlibs/audiogid"
    local depends
    depends=$(in_root "$sysroot" sh -c 'cd /tmp/shlibs && dpkg-shlibdeps -O audiogid' 2>"$out/shlibdeps-$arch.log" | sed -n 's/^shlibs:Depends=//p')
    [ -n "$depends" ] || { cat "$out/shlibdeps-$arch.log" >&2; echo "package: dpkg-shlibdeps found no dependencies" >&2; exit 1; }
    local size
    size=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
    sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" -e "s/@DEPENDS@/$depends/" -e "s/@INSTALLED_SIZE@/$size/" \
        packaging/debian/control.in >"$stage/DEBIAN/control"
    (cd "$stage" && find . -type f ! -path './DEBIAN/*' ! -path './etc/*' -printf '%P\0' | sort -z \
        | xargs -0 md5sum) >"$stage/DEBIAN/md5sums"
    chmod 644 "$stage/DEBIAN/md5sums" "$stage/DEBIAN/control" "$stage/DEBIAN/conffiles"
    dpkg-deb --root-owner-group -Zxz --build "$stage" "$deb" >/dev/null
}

# The whole run is one function, read by bash before it starts: editing this file cannot change a running build.
main() {
    for arch in "${arches[@]}"; do
        started=$(seconds)
        [ "$arch" = arm64 ] && enable_arm64_emulation
        compiler=$(compiler_root)
        sysroot=$(target_sysroot "$arch" "$compiler")
        write_sdk "$arch"
        ready=$(seconds)
        compile "$arch" "$compiler"
        built=$(seconds)
        unmount_all
        assemble "$arch" "$binary" "$sysroot" "$compiler"
        unmount_all
        done_at=$(seconds)
        timings+=("$arch: chroots $((ready - started)) s, build $((built - ready)) s, package $((done_at - built)) s")
        echo "$deb ($(du -h "$deb" | cut -f1))"
        dpkg-deb --field "$deb" Depends
    done
    printf 'package: %s\n' "${timings[@]}" >&2
}
main "$@"; exit $?
