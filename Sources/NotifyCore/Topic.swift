/// A broadcast list residents subscribe to, such as `emergency.southern-governorate`.
public struct Topic: Sendable, Hashable {
    public let name: String
    public let description: String

    public init(name: String, description: String = "") throws(NotifyError) {
        guard Self.isValidName(name) else {
            throw .invalid("topics.\(name.prefix(64))", "a topic name is 1 to 100 lower-case letters, digits, '.' or '-'")
        }
        self.name = name
        self.description = description
    }

    /// Lower-case dotted names only, so a name is always safe inside a key.
    public static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 100 && name.utf8.allSatisfy {
            ($0 >= 0x61 && $0 <= 0x7a) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2e || $0 == 0x2d
        }
    }
}
