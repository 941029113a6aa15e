#if canImport(Glibc)
import Glibc
#endif

/// The process's allocator, jemalloc (linked by Package.swift), set up before any work starts.
enum Allocator {
    private typealias Mallctl = @convention(c) (UnsafePointer<CChar>?, UnsafeMutableRawPointer?, UnsafeMutablePointer<Int>?,
                                                UnsafeMutableRawPointer?, Int) -> Int32

    /// Keeps freed memory for reuse instead of handing it back to the OS as it ages (jemalloc's decay). Handing it back
    /// stalled requests: with every worker busy, publish p99 reached 90 to 470 ms in four latency runs of twelve (with
    /// the purging inline or on background threads), and stayed at 16 to 27 ms in six runs without it. The process
    /// then holds what its busiest moment used (about 170 MB for the benchmark's runs), as it would with glibc's malloc.
    /// Returns whether jemalloc took the setting (false under another allocator, where there is nothing to set).
    @discardableResult
    static func keepFreedMemory() -> Bool {
        // mallctl is found at run time so that nothing here needs jemalloc's header; a nil handle is RTLD_DEFAULT.
        guard let symbol = dlsym(nil, "mallctl") else { return false }
        let mallctl = unsafeBitCast(symbol, to: Mallctl.self)
        func set(_ name: String) -> Bool {
            var never = -1
            return mallctl(name, nil, nil, &never, MemoryLayout<Int>.size) == 0
        }
        // The default for arenas made later, then each arena made so far (one not yet in use refuses; it takes the default).
        let defaults = set("arenas.dirty_decay_ms") && set("arenas.muzzy_decay_ms")
        var count: UInt32 = 0
        var size = MemoryLayout<UInt32>.size
        if mallctl("arenas.narenas", &count, &size, nil, 0) == 0 {
            for arena in 0..<count {
                _ = set("arena.\(arena).dirty_decay_ms")
                _ = set("arena.\(arena).muzzy_decay_ms")
            }
        }
        return defaults
    }
}
