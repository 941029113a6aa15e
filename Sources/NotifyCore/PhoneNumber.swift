/// A phone number normalised to E.164 (`+97336001234`).
///
/// Bahrain is the default country: eight digits with no prefix are read as +973.
/// GCC numbers are checked against their national lengths; others by E.164 rules.
public struct PhoneNumber: Sendable, Hashable, CustomStringConvertible {
    public let e164: String

    /// National significant number lengths of the GCC countries.
    static let gccLengths: [String: Int] = ["973": 8, "966": 9, "971": 9, "965": 8, "974": 8, "968": 8]

    public init(_ raw: String, field: String = "phone") throws(NotifyError) {
        guard raw.utf8.count <= 32 else { throw .invalid(field, "must be at most 32 characters") }
        var digits = ""
        var international = false
        for (i, ch) in raw.trimmingASCIIWhitespace().enumerated() {
            switch ch {
            case "+" where i == 0: international = true
            case "0"..."9": digits.append(ch)
            case " ", "-", "(", ")", ".": continue
            default: throw .invalid(field, "may contain only digits, spaces, dashes, brackets and a leading +")
            }
        }
        if !international, digits.hasPrefix("00") {
            digits.removeFirst(2)
            international = true
        }
        if !international {
            guard digits.count == 8 else {
                throw .invalid(field, "must be in international form (+country code) or a Bahraini 8-digit number")
            }
            digits = "973" + digits
        }
        guard digits.count >= 8, digits.count <= 15, digits.first != "0" else {
            throw .invalid(field, "must be an E.164 number of 8 to 15 digits")
        }
        for (code, length) in Self.gccLengths where digits.hasPrefix(code) {
            guard digits.count == code.count + length else {
                throw .invalid(field, "a +\(code) number has \(length) digits after the country code")
            }
        }
        e164 = "+" + digits
    }

    /// `+973****1234`, for logs and support screens.
    public var redacted: String { String(e164.prefix(4)) + "****" + String(e164.suffix(4)) }
    public var description: String { e164 }
}
