/// Redis Cluster's key → slot mapping: CRC16 (XMODEM) of the key, or of its hash tag, modulo 16384.
public enum HashSlot {
    /// Slots in a cluster.
    public static let count = 16384

    /// The slot of `key`; only the part inside the first non-empty `{...}` counts, so keys sharing a tag share a slot.
    public static func of(_ key: some Collection<UInt8>) -> Int {
        let bytes = Array(key)
        return Int(crc16(tagged(bytes)) & 0x3FFF)
    }

    /// The slot of a string key.
    public static func of(_ key: String) -> Int { of(Array(key.utf8)) }

    /// The bytes that decide the slot: the first `{...}` with something inside, else the whole key.
    static func tagged(_ key: [UInt8]) -> ArraySlice<UInt8> {
        guard let open = key.firstIndex(of: UInt8(ascii: "{")),
              let close = key[(open + 1)...].firstIndex(of: UInt8(ascii: "}")),
              close > open + 1 else { return key[...] }
        return key[(open + 1)..<close]
    }

    static func crc16(_ bytes: ArraySlice<UInt8>) -> UInt16 {
        var crc: UInt16 = 0
        for byte in bytes {
            crc = (crc << 8) ^ table[Int((crc >> 8) ^ UInt16(byte)) & 0xFF]
        }
        return crc
    }

    private static let table: [UInt16] = (0..<256).map { value -> UInt16 in
        var crc = UInt16(value) << 8
        for _ in 0..<8 {
            crc = crc & 0x8000 != 0 ? (crc << 1) ^ 0x1021 : crc << 1
        }
        return crc
    }
}
