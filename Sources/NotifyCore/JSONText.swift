import struct Foundation.Date

/// JSON written by hand where it is written once per notification: the same text `JSONEncoder` (sorted keys, no
/// escaped slashes, ISO 8601 dates) would give, at a fraction of its cost on the delivery path.
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

    /// `date` as ISO 8601 in UTC to the second (`2026-12-05T23:28:48Z`), as `JSONEncoder`'s `.iso8601` writes it.
    public static func iso8601(_ date: Date) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(20)
        appendISO8601(date, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends ``iso8601(_:)``'s text, digit by digit (it is written on every status move).
    public static func appendISO8601(_ date: Date, to out: inout [UInt8]) {
        let seconds = Int((date.timeIntervalSince1970).rounded(.down))
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let inDay = seconds - days * 86_400
        let (y, m, d) = civil(fromDays: days)
        appendPadded(y, 4, to: &out)
        out.append(0x2D)
        appendPadded(m, 2, to: &out)
        out.append(0x2D)
        appendPadded(d, 2, to: &out)
        out.append(0x54)
        appendPadded(inDay / 3600, 2, to: &out)
        out.append(0x3A)
        appendPadded(inDay / 60 % 60, 2, to: &out)
        out.append(0x3A)
        appendPadded(inDay % 60, 2, to: &out)
        out.append(0x5A)
    }

    /// Year, month, day of a count of days since 1970-01-01 (Howard Hinnant's civil_from_days).
    private static func civil(fromDays z: Int) -> (Int, Int, Int) {
        let z = z + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// `value` in at least `width` digits, zeros in front; a value outside 0..<10^width as `String` writes it.
    private static func appendPadded(_ value: Int, _ width: Int, to out: inout [UInt8]) {
        var limit = 1
        for _ in 0..<width { limit *= 10 }
        guard value >= 0, value < limit else {
            let text = String(value)
            if text.utf8.count < width { out.append(contentsOf: repeatElement(0x30, count: width - text.utf8.count)) }
            out.append(contentsOf: text.utf8)
            return
        }
        var divisor = limit / 10
        while divisor > 0 {
            out.append(0x30 + UInt8(value / divisor % 10))
            divisor /= 10
        }
    }

    private static func hexDigit(_ nibble: UInt8) -> UInt8 { nibble < 10 ? 0x30 + nibble : 0x57 + nibble }
}
