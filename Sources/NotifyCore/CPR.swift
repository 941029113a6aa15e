/// A resident's CPR number: exactly nine ASCII digits.
public struct CPR: Sendable, Hashable, Codable, CustomStringConvertible {
    public let value: String

    /// Validates `raw`; throws a validation error naming `field`.
    public init(_ raw: String, field: String = "cpr") throws(NotifyError) {
        guard raw.utf8.count == 9, raw.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            throw .invalid(field, "must be a CPR number of exactly 9 digits")
        }
        value = raw
    }

    public init(from decoder: any Decoder) throws {
        let raw = try decoder.singleValueContainer().decode(String.self)
        self = try CPR(raw)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }

    /// Shows only the last three digits, for logs.
    public var redacted: String { "******" + value.suffix(3) }
    public var description: String { value }
}
