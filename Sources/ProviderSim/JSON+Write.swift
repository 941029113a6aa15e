/// Compact JSON text with sorted keys and unescaped slashes, written directly (as `JSONEncoder` would, at a fraction
/// of its cost: every receipt and response body goes through here).
extension JSON {
    func write(to out: inout [UInt8]) {
        switch self {
        case .null: out += Array("null".utf8)
        case .bool(let v): out += Array((v ? "true" : "false").utf8)
        case .int(let v): out += Array(String(v).utf8)
        case .double(let v):
            // JSONEncoder writes a whole number without its ".0".
            if v == v.rounded(), abs(v) < 1e15 { out += Array(String(Int(v)).utf8) } else { out += Array("\(v)".utf8) }
        case .string(let v): Self.quote(v, to: &out)
        case .array(let elements):
            out.append(UInt8(ascii: "["))
            for (k, e) in elements.enumerated() {
                if k > 0 { out.append(UInt8(ascii: ",")) }
                e.write(to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (k, key) in members.keys.sorted().enumerated() {
                if k > 0 { out.append(UInt8(ascii: ",")) }
                Self.quote(key, to: &out)
                out.append(UInt8(ascii: ":"))
                members[key]?.write(to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    static func quote(_ text: String, to out: inout [UInt8]) {
        out.append(0x22)
        // Most strings need no escape: copied whole.
        guard text.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) else {
            out.append(contentsOf: text.utf8)
            out.append(0x22)
            return
        }
        for b in text.utf8 {
            switch b {
            case 0x22: out += [0x5C, 0x22]
            case 0x5C: out += [0x5C, 0x5C]
            case 0x0A: out += [0x5C, 0x6E]
            case 0x0D: out += [0x5C, 0x72]
            case 0x09: out += [0x5C, 0x74]
            case 0x08: out += [0x5C, 0x62]
            case 0x0C: out += [0x5C, 0x66]
            case 0..<0x20: out += Array("\\u00".utf8) + [hex(b >> 4), hex(b & 0xF)]
            default: out.append(b)
            }
        }
        out.append(0x22)
    }

    private static func hex(_ nibble: UInt8) -> UInt8 { nibble < 10 ? 0x30 + nibble : 0x57 + nibble }
}
