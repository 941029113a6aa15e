import Synchronization

/// Message ids in the form of a version 4 UUID, in lowercase, unique within the process and unpredictable enough for a
/// simulator, at no system call each: a gateway batch carries up to a thousand messages, and two random words from the
/// kernel for each (`UUID.random()`) were a tenth of the simulator's time in a bench run.
enum MessageIDs {
    /// Drawn once from the system's generator.
    private static let seed = (UInt64.random(in: .min ... .max), UInt64.random(in: .min ... .max))
    private static let counter = Atomic<UInt64>(0)

    /// The next id, such as `3f2b6c1e-9a4d-4c7b-8e21-5d0c9f7a1b34`.
    static func next() -> String {
        let n = counter.add(1, ordering: .relaxed).newValue
        // `mix` is a bijection, so `v` never repeats; all 64 of its bits are in the id (62 in the low word, 2 in the high).
        let v = mix(n &+ seed.1)
        let high = (mix(n ^ seed.0) & 0xFFFF_FFFF_FFFF_0FFC) | 0x4000 | (v >> 62)
        let low = (v & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000
        return format(high, low)
    }

    /// SplitMix64's finaliser.
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// 8-4-4-4-12 lowercase hex digits.
    static func format(_ high: UInt64, _ low: UInt64) -> String {
        String(unsafeUninitializedCapacity: 36) { buffer in
            var at = 0
            for nibble in 0..<32 {
                if nibble == 8 || nibble == 12 || nibble == 16 || nibble == 20 {
                    buffer[at] = UInt8(ascii: "-")
                    at += 1
                }
                let word = nibble < 16 ? high : low
                let value = UInt8(truncatingIfNeeded: word >> UInt64(60 - 4 * (nibble % 16))) & 0xF
                buffer[at] = value < 10 ? 0x30 + value : 0x57 + value
                at += 1
            }
            return at
        }
    }
}
