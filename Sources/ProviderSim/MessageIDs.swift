import Foundation
import Synchronization

/// Version 4 UUIDs unique within the process and unpredictable enough for a simulator, at no system call each: a
/// gateway batch carries up to a thousand messages, and two random words from the kernel for each (`UUID.random()`)
/// were a tenth of the simulator's time in a bench run.
enum MessageIDs {
    /// Drawn once from the system's generator.
    private static let seed = (UInt64.random(in: .min ... .max), UInt64.random(in: .min ... .max))
    private static let counter = Atomic<UInt64>(0)

    /// The next id.
    static func next() -> UUID {
        let n = counter.add(1, ordering: .relaxed).newValue
        // `mix` is a bijection, so `v` never repeats; all 64 of its bits are in the id (62 in the low word, 2 in the high).
        let v = mix(n &+ seed.1)
        let high = (mix(n ^ seed.0) & 0xFFFF_FFFF_FFFF_0FFC) | 0x4000 | (v >> 62)
        let low = (v & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000
        var uuid: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &uuid) { raw in
            raw.storeBytes(of: high.bigEndian, toByteOffset: 0, as: UInt64.self)
            raw.storeBytes(of: low.bigEndian, toByteOffset: 8, as: UInt64.self)
        }
        return UUID(uuid: uuid)
    }

    /// SplitMix64's finaliser.
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
