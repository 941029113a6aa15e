/// An email address, validated the pragmatic way (RFC 5321 lengths, one `@`, a dotted domain).
public struct EmailAddress: Sendable, Hashable, CustomStringConvertible {
    public let value: String

    public init(_ raw: String, field: String = "email") throws(NotifyError) {
        let trimmed = raw.trimmingASCIIWhitespace()
        guard trimmed.utf8.count <= 254 else { throw .invalid(field, "must be at most 254 characters") }
        let parts = trimmed.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2 else { throw .invalid(field, "must be an email address like name@example.com") }
        let local = parts[0], domain = parts[1]
        guard !local.isEmpty, local.utf8.count <= 64 else { throw .invalid(field, "the part before @ must be 1 to 64 characters") }
        guard local.unicodeScalars.allSatisfy(Self.isLocalCharacter), !local.hasPrefix("."), !local.hasSuffix("."), !local.contains("..") else {
            throw .invalid(field, "the part before @ has characters an address cannot carry")
        }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, labels.allSatisfy(Self.isValidLabel), (labels.last?.count ?? 0) >= 2 else {
            throw .invalid(field, "the domain after @ is not valid")
        }
        value = "\(local)@\(domain.lowercased())"
    }

    private static func isLocalCharacter(_ s: Unicode.Scalar) -> Bool {
        if s.isASCII {
            return (s >= "a" && s <= "z") || (s >= "A" && s <= "Z") || (s >= "0" && s <= "9") || "!#$%&'*+-/=?^_`{|}~.".unicodeScalars.contains(s)
        }
        return s.properties.isAlphabetic || s.properties.numericType != nil
    }

    private static func isValidLabel(_ label: Substring) -> Bool {
        guard !label.isEmpty, label.utf8.count <= 63, !label.hasPrefix("-"), !label.hasSuffix("-") else { return false }
        return label.unicodeScalars.allSatisfy { s in
            s.isASCII ? ((s >= "a" && s <= "z") || (s >= "A" && s <= "Z") || (s >= "0" && s <= "9") || s == "-") : s.properties.isAlphabetic
        }
    }

    /// `a***@example.com`, for logs and support screens.
    public var redacted: String {
        guard let at = value.firstIndex(of: "@") else { return "***" }
        return "\(value.prefix(1))***\(value[at...])"
    }

    public var description: String { value }
}

extension String {
    func trimmingASCIIWhitespace() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" || f == "\n" || f == "\r" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\n" || l == "\r" { s.removeLast() }
        return String(s)
    }
}
