/// An event-type pattern an entity key is scoped to: `passport.*`, `traffic.fine-issued` or `*`.
public struct EventPattern: Sendable, Hashable, CustomStringConvertible {
    public let text: String

    /// Validates `text`: dotted lowercase names, an optional trailing `*` segment.
    public init(_ text: String) throws(NotifyError) {
        let t = text.trimmingASCIIWhitespace()
        let allowed = t.unicodeScalars.allSatisfy { ($0 >= "a" && $0 <= "z") || ($0 >= "0" && $0 <= "9") || $0 == "." || $0 == "-" || $0 == "*" || $0 == "_" }
        guard !t.isEmpty, t.count <= 128, allowed else { throw .invalid("events", "'\(t.prefix(64))' is not an event-type pattern") }
        if let star = t.firstIndex(of: "*") {
            guard star == t.index(before: t.endIndex), t == "*" || t.hasSuffix(".*") else {
                throw .invalid("events", "'\(t)': '*' may only stand for a whole last segment, as in 'passport.*'")
            }
        }
        self.text = t
    }

    /// Parses a comma-separated list.
    public static func list(_ text: String) throws(NotifyError) -> [EventPattern] {
        var result: [EventPattern] = []
        for part in text.split(separator: ",") { result.append(try EventPattern(String(part))) }
        guard !result.isEmpty else { throw .invalid("events", "name at least one event-type pattern") }
        return result
    }

    public func matches(_ type: String) -> Bool {
        if text == "*" { return true }
        if text.hasSuffix(".*") { return type.hasPrefix(text.dropLast()) }
        return type == text
    }

    public var description: String { text }
}
