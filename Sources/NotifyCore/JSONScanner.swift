/// Reads JSON text one value at a time, in one pass over its bytes, checking it as it goes.
///
/// Bodies read for every message (a gateway's receipts, its answers to batch sends) are walked with it, taking only the
/// members they need: `JSONDecoder` with `Decodable` types spent a twentieth of the service's CPU on them. The provider
/// simulator builds its JSON values with it.
public struct JSONScanner {
    /// What the next value is, told by its first byte.
    public enum Kind: Sendable, Equatable {
        case object, array, string, number, bool, null
    }

    private let bytes: [UInt8]
    private var i = 0
    private var depth = 0
    /// Deepest nesting read: deeper text is refused rather than recursed into without end.
    public static let maxDepth = 256

    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The kind of the next value, after white space; nil at the end, or before a byte no value starts with.
    public mutating func peek() -> Kind? {
        skipSpace()
        guard i < bytes.count else { return nil }
        switch bytes[i] {
        case UInt8(ascii: "{"): return .object
        case UInt8(ascii: "["): return .array
        case UInt8(ascii: "\""): return .string
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return .bool
        case UInt8(ascii: "n"): return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number
        default: return nil
        }
    }

    /// True when nothing but white space is left.
    public mutating func atEnd() -> Bool {
        skipSpace()
        return i == bytes.count
    }

    /// Walks the object that comes next: `member` gets each key with the scanner at its value, which it must read or
    /// skip (returning false makes the object unreadable). False when there is no object here or it is malformed.
    public mutating func object(_ member: (inout JSONScanner, String) -> Bool) -> Bool {
        guard peek() == .object, enter() else { return false }
        defer { depth -= 1 }
        i += 1
        if take(UInt8(ascii: "}")) { return true }
        while true {
            guard peek() == .string, let key = string() else { return false }
            skipSpace()
            guard take(UInt8(ascii: ":")), member(&self, key) else { return false }
            if take(UInt8(ascii: ",")) { continue }
            return take(UInt8(ascii: "}"))
        }
    }

    /// Walks the array that comes next: `element` reads or skips each value. False when there is no array here or it
    /// is malformed.
    public mutating func array(_ element: (inout JSONScanner) -> Bool) -> Bool {
        guard peek() == .array, enter() else { return false }
        defer { depth -= 1 }
        i += 1
        if take(UInt8(ascii: "]")) { return true }
        while true {
            guard element(&self) else { return false }
            if take(UInt8(ascii: ",")) { continue }
            return take(UInt8(ascii: "]"))
        }
    }

    /// The string that comes next, unescaped; nil when there is none or it is malformed (including invalid UTF-8).
    public mutating func string() -> String? {
        guard peek() == .string else { return nil }
        i += 1
        // Most strings hold no escape: they are taken whole, not byte by byte.
        let start = i
        while i < bytes.count, bytes[i] != UInt8(ascii: "\""), bytes[i] != UInt8(ascii: "\\"), bytes[i] >= 0x20 { i += 1 }
        if i < bytes.count, bytes[i] == UInt8(ascii: "\"") {
            i += 1
            return String(validating: bytes[start..<(i - 1)], as: UTF8.self)
        }
        var out = Array(bytes[start..<i])
        while i < bytes.count {
            let b = bytes[i]
            i += 1
            switch b {
            case UInt8(ascii: "\""): return String(validating: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard i < bytes.count else { return nil }
                let e = bytes[i]
                i += 1
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    guard let scalar = unicodeEscape() else { return nil }
                    out += Array(String(Character(scalar)).utf8)
                default: return nil
                }
            case 0..<0x20: return nil
            default: out.append(b)
            }
        }
        return nil
    }

    /// The text of the number that comes next, as JSON writes one (`-0.5e+3`: no `+` before it, no leading zero, digits
    /// on both sides of the point), for `Int(_:)` or `Double(_:)` to read; nil when there is none or it is malformed.
    public mutating func number() -> String? {
        guard peek() == .number else { return nil }
        let start = i
        _ = takeAdjacent(UInt8(ascii: "-"))
        if !takeAdjacent(UInt8(ascii: "0")) {
            guard digits() > 0 else { return nil }
        }
        if takeAdjacent(UInt8(ascii: ".")) {
            guard digits() > 0 else { return nil }
        }
        if takeAdjacent(UInt8(ascii: "e")) || takeAdjacent(UInt8(ascii: "E")) {
            if !takeAdjacent(UInt8(ascii: "+")) { _ = takeAdjacent(UInt8(ascii: "-")) }
            guard digits() > 0 else { return nil }
        }
        return String(decoding: bytes[start..<i], as: UTF8.self)
    }

    /// Takes the digits that come next; how many.
    private mutating func digits() -> Int {
        let start = i
        while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 { i += 1 }
        return i - start
    }

    /// `true` or `false`; nil when neither comes next.
    public mutating func bool() -> Bool? {
        if literal("true") { return true }
        if literal("false") { return false }
        return nil
    }

    /// Reads `null` if it comes next.
    public mutating func null() -> Bool {
        literal("null")
    }

    /// Skips the value that comes next, checking it as reading it would; false when it is malformed.
    public mutating func skip() -> Bool {
        switch peek() {
        case .object?: return object { scanner, _ in scanner.skip() }
        case .array?: return array { $0.skip() }
        case .string?: return string() != nil
        case .number?: return number().flatMap(Double.init)?.isFinite == true
        case .bool?: return bool() != nil
        case .null?: return null()
        case nil: return false
        }
    }

    private mutating func enter() -> Bool {
        guard depth < Self.maxDepth else { return false }
        depth += 1
        return true
    }

    /// The scalar of `\uXXXX` (the `\u` read), joining a surrogate pair.
    private mutating func unicodeEscape() -> Unicode.Scalar? {
        guard let high = hex4() else { return nil }
        if (0xD800..<0xDC00).contains(high) {
            guard take(UInt8(ascii: "\\")), take(UInt8(ascii: "u")), let low = hex4(), (0xDC00..<0xE000).contains(low) else { return nil }
            return Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
        }
        return Unicode.Scalar(high)
    }

    private mutating func hex4() -> UInt32? {
        guard i + 4 <= bytes.count else { return nil }
        var v: UInt32 = 0
        for b in bytes[i..<(i + 4)] {
            guard let d = Self.hexValue(b) else { return nil }
            v = v << 4 | d
        }
        i += 4
        return v
    }

    private mutating func literal(_ word: StaticString) -> Bool {
        skipSpace()
        let n = word.utf8CodeUnitCount
        guard i + n <= bytes.count else { return false }
        for k in 0..<n where bytes[i + k] != word.utf8Start[k] { return false }
        i += n
        return true
    }

    /// Takes `b` if it is the very next byte (inside a number, where no space may come).
    private mutating func takeAdjacent(_ b: UInt8) -> Bool {
        guard i < bytes.count, bytes[i] == b else { return false }
        i += 1
        return true
    }

    /// Takes `b` if it comes next, after white space.
    private mutating func take(_ b: UInt8) -> Bool {
        skipSpace()
        guard i < bytes.count, bytes[i] == b else { return false }
        i += 1
        return true
    }

    private mutating func skipSpace() {
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
    }

    private static func hexValue(_ b: UInt8) -> UInt32? {
        switch b {
        case 0x30...0x39: UInt32(b - 0x30)
        case 0x41...0x46: UInt32(b - 0x37)
        case 0x61...0x66: UInt32(b - 0x57)
        default: nil
        }
    }
}
