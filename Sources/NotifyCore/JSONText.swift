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
        for byte in text.utf8 {
            switch byte {
            case 0x22: out += [0x5C, 0x22]
            case 0x5C: out += [0x5C, 0x5C]
            case 0x0A: out += [0x5C, 0x6E]
            case 0x0D: out += [0x5C, 0x72]
            case 0x09: out += [0x5C, 0x74]
            case 0x08: out += [0x5C, 0x62]
            case 0x0C: out += [0x5C, 0x66]
            case 0..<0x20:
                out += Array("\\u00".utf8)
                out.append(hexDigit(byte >> 4))
                out.append(hexDigit(byte & 0xF))
            default: out.append(byte)
            }
        }
        out.append(0x22)
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
        let seconds = Int((date.timeIntervalSince1970).rounded(.down))
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let inDay = seconds - days * 86_400
        let (y, m, d) = civil(fromDays: days)
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(inDay / 3600, 2)):\(pad(inDay / 60 % 60, 2)):\(pad(inDay % 60, 2))Z"
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

    private static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }

    private static func hexDigit(_ nibble: UInt8) -> UInt8 { nibble < 10 ? 0x30 + nibble : 0x57 + nibble }
}
