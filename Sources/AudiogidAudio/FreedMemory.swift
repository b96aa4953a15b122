import Glibc

/// Hands memory malloc holds free back to the kernel (glibc's `malloc_trim(0)`, looked up at run time:
/// <malloc.h> is not in Swift's Glibc module). Preparing a tour opens and closes one decoder per clip, and
/// the freed pages would otherwise stay in the process's arenas, counted in its RSS. Without glibc, nothing.
func releaseFreedMemory() {
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return }
    typealias MallocTrim = @convention(c) (Int) -> Int32
    _ = unsafeBitCast(symbol, to: MallocTrim.self)(0)
}
