import Glibc

/// glibc's `mallopt(M_ARENA_MAX, n)`, looked up at run time: <malloc.h> is not in Swift's Glibc module.
/// M_ARENA_MAX is -8 in glibc's malloc.h. Without glibc's mallopt, nothing happens.
///
/// The long-running commands (`daemon`, `web`) call it first: every thread that allocates otherwise gets a malloc
/// arena of its own, tens of MB of RSS that a 512 MB Pi does not have (the daemon grew 46 -> 76 MB in the soak
/// without it; the web process's event loops and task pool threads do the same under 300 phones).
func limitMallocArenas(_ count: Int32) {
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
    typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
    _ = unsafeBitCast(symbol, to: Mallopt.self)(-8, count)
}
