/// One HTTP (or mail) header field: a name and its value.
public struct HTTPHeader: Sendable, Hashable {
    /// The field name, e.g. `Content-Type`. Responses carry lower-cased names.
    public var name: String
    /// The field value, without surrounding whitespace.
    public var value: String

    /// Creates a header field.
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}
