import NotifyCore

/// Reads JSON text into `JSON` in one pass over the bytes. `JSONDecoder` through `JSON`'s `Codable` conformance
/// tried each type in turn, throwing on every miss: most of what the simulator spent on a request.
enum JSONParser {
    /// The value `bytes` hold, or nil when they are not exactly one JSON value.
    static func parse(_ bytes: [UInt8]) -> JSON? {
        var scanner = JSONScanner(bytes)
        guard let value = value(&scanner), scanner.atEnd() else { return nil }
        return value
    }

    private static func value(_ scanner: inout JSONScanner) -> JSON? {
        switch scanner.peek() {
        case .object?:
            var members: [String: JSON] = [:]
            let read = scanner.object { s, key in
                guard let member = value(&s) else { return false }
                members[key] = member
                return true
            }
            return read ? .object(members) : nil
        case .array?:
            var elements: [JSON] = []
            let read = scanner.array { s in
                guard let element = value(&s) else { return false }
                elements.append(element)
                return true
            }
            return read ? .array(elements) : nil
        case .string?: return scanner.string().map(JSON.string)
        case .bool?: return scanner.bool().map(JSON.bool)
        case .null?: return scanner.null() ? .null : nil
        case .number?: return scanner.number().flatMap(number)
        case nil: return nil
        }
    }

    /// As Foundation reads a number: a whole one (`1e3`, `2.0`) is an integer.
    private static func number(_ text: String) -> JSON? {
        if !text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }), let v = Int(text) { return .int(v) }
        guard let v = Double(text), v.isFinite else { return nil }
        if v == v.rounded(), abs(v) < 9e15 { return .int(Int(v)) }
        return .double(v)
    }
}
