import Foundation

/// Two fixed pieces of work timed on this host, printed beside the bench's figures: the same code runs up to a third
/// slower on one host (or hour) than on another, so figures compare only beside their references.
struct HostReference: Codable, Sendable {
    /// Milliseconds for a fixed chain of integer arithmetic on one core (the CPU's speed as this process gets it).
    var cpuLoopMs: Double
    /// Nanoseconds per read that misses the caches (a random walk over 64 MiB): what Redis pays for every key it looks up.
    var memoryReadNanoseconds: Double

    /// Steps of the arithmetic chain: about 30 ms on a 2024 server core.
    static let loopIterations = 20_000_000
    /// Slots the memory walk goes over (4 bytes each: 64 MiB, more than a server's last-level cache).
    static let walkSlots = 1 << 24
    /// Reads timed in the walk: about 150 ms.
    static let walkReads = 1_000_000

    /// Times both; the best of three tries each, so a try that lost its core for a while does not count.
    static func measure() -> HostReference {
        // Each try starts from its own value: the same call three times would be made once.
        var loop = Double.infinity
        for seed in 1...3 { loop = min(loop, timed { blackHole(spin(loopIterations, from: UInt64(seed))) }) }
        let cycle = randomCycle(walkSlots)
        var walk = Double.infinity
        for start in 1...3 { walk = min(walk, timed { blackHole(UInt64(follow(cycle, walkReads, from: UInt32(start)))) }) }
        return HostReference(cpuLoopMs: loop * 1000, memoryReadNanoseconds: walk * 1e9 / Double(walkReads))
    }

    /// The line the bench prints.
    var description: String {
        "a fixed CPU loop in \(BenchReport.number(cpuLoopMs)) ms, a memory read that misses the caches in \(BenchReport.number(memoryReadNanoseconds)) ns"
    }

    private static func timed(_ body: () -> Void) -> Double {
        let start = ContinuousClock.now
        body()
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    /// Keeps a result alive, so the work that made it is not optimised away.
    @inline(never)
    static func blackHole(_ value: UInt64) {
        if value == 0x5EED { FileHandle.standardError.write(Data()) }
    }

    /// A multiply-xorshift chain: each step needs the one before.
    @inline(never)
    static func spin(_ iterations: Int, from seed: UInt64) -> UInt64 {
        var x = seed
        for _ in 0..<iterations {
            x = x &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            x ^= x >> 29
        }
        return x
    }

    /// One cycle through all `count` slots (a power of two) in a scattered order: slot `i` holds the next of a full-period
    /// linear congruential sequence modulo `count`, so the walk visits every slot once, and each read's address comes from
    /// the read before, which no prefetch can guess.
    static func randomCycle(_ count: Int) -> [UInt32] {
        let mask = UInt64(count - 1)
        // a ≡ 1 (mod 4) and c odd: the sequence's period is the whole modulus.
        return (0..<UInt64(count)).map { UInt32((($0 &* 2_862_933_555_777_941_757) &+ 3_037_000_493) & mask) }
    }

    /// Where `reads` steps along `cycle` from slot `start` end.
    @inline(never)
    static func follow(_ cycle: [UInt32], _ reads: Int, from start: UInt32) -> UInt32 {
        var at = start
        cycle.withUnsafeBufferPointer { slots in
            for _ in 0..<reads { at = slots[Int(at)] }
        }
        return at
    }
}
