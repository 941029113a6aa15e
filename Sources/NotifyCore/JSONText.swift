/// JSON written by hand where it is written once per notification: the same text `JSONEncoder` (sorted keys, no
/// escaped slashes) would give, at a fraction of its cost on the delivery path.
public enum JSONText {
    /// `text` as a JSON string, quotes included.
    public static func quoted(_ text: String) -> String {
        var out = [UInt8]()
        out.reserveCapacity(text.utf8.count + 2)
        appendQuoted(text, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends `text` as a JSON string: quote, backslash and control characters escaped, everything else as it is.
    public static func appendQuoted(_ text: String, to out: inout [UInt8]) {
        out.append(0x22)
        // Nearly all text needs no escape, and is copied whole (from its own buffer when it has one).
        let copied = text.utf8.withContiguousStorageIfAvailable { bytes in
            guard bytes.allSatisfy({ $0 >= 0x20 && $0 != 0x22 && $0 != 0x5C }) else { return false }
            out.append(contentsOf: bytes)
            return true
        }
        if copied != true {
            for byte in text.utf8 { appendEscaped(byte, to: &out) }
        }
        out.append(0x22)
    }

    private static func appendEscaped(_ byte: UInt8, to out: inout [UInt8]) {
        switch byte {
        case 0x22, 0x5C: out.append(0x5C); out.append(byte)
        case 0x0A: out.append(0x5C); out.append(0x6E)
        case 0x0D: out.append(0x5C); out.append(0x72)
        case 0x09: out.append(0x5C); out.append(0x74)
        case 0x08: out.append(0x5C); out.append(0x62)
        case 0x0C: out.append(0x5C); out.append(0x66)
        case 0..<0x20:
            out.append(contentsOf: #"\u00"#.utf8)
            out.append(hexDigit(byte >> 4))
            out.append(hexDigit(byte & 0xF))
        default: out.append(byte)
        }
    }

    /// A JSON object of string members, keys sorted.
    public static func object(_ members: [String: String]) -> [UInt8] {
        var out: [UInt8] = [0x7B]
        for (i, key) in members.keys.sorted().enumerated() {
            if i > 0 { out.append(0x2C) }
            appendQuoted(key, to: &out)
            out.append(0x3A)
            appendQuoted(members[key] ?? "", to: &out)
        }
        out.append(0x7D)
        return out
    }

    private static func hexDigit(_ nibble: UInt8) -> UInt8 { nibble < 10 ? 0x30 + nibble : 0x57 + nibble }
}
