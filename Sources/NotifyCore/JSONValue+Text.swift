/// Compact JSON with sorted keys, written directly: what `JSONEncoder` (`.sortedKeys`, `.withoutEscapingSlashes`) gives,
/// without its cost on every push payload (built twice per send: once to check the size, once to send).
extension JSONValue {
    public var jsonBytes: [UInt8] {
        var out: [UInt8] = []
        write(to: &out)
        return out
    }

    private func write(to out: inout [UInt8]) {
        switch self {
        case .null: out += Array("null".utf8)
        case .bool(let b): out += Array((b ? "true" : "false").utf8)
        // As JSONEncoder writes a Double: a whole number without ".0".
        case .number(let n): out += Array((n == n.rounded() && abs(n) < 1e15 ? String(Int(n)) : "\(n)").utf8)
        case .string(let s): JSONText.appendQuoted(s, to: &out)
        case .array(let elements):
            out.append(UInt8(ascii: "["))
            for (i, element) in elements.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                element.write(to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (i, key) in members.keys.sorted().enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                JSONText.appendQuoted(key, to: &out)
                out.append(UInt8(ascii: ":"))
                members[key]?.write(to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }
}
