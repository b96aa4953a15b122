# Sourced: `release_swift_flags ROOT` prints, one per line, the `swift build` flags of the kiosk's program
# (swift-build-flags, with its files named under ROOT, the repository as the build sees it).
release_swift_flags() {
    local root=$1
    grep -v '^#' "$root/scripts/release/swift-build-flags" | grep -v '^$' | sed "s|=scripts/release/|=$root/scripts/release/|"
}
