/// A mailbox as written in a header: `Display Name <local@domain>` or a bare address.
struct MailAddress: Sendable, Equatable {
    var displayName: String
    var address: String

    init(_ text: String) {
        let trimmed = text.trimmingSpaces()
        if trimmed.hasSuffix(">"), let open = trimmed.lastIndex(of: "<") {
            var name = String(trimmed[..<open]).trimmingSpaces()
            if name.count >= 2, name.hasPrefix("\""), name.hasSuffix("\"") {
                name = String(name.dropFirst().dropLast())
                    .replacingOccurrences(of: "\\\"", with: "\"").replacingOccurrences(of: "\\\\", with: "\\")
            }
            displayName = name
            address = String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)]).trimmingSpaces()
        } else {
            displayName = ""
            address = trimmed
        }
        displayName = MIMEEncoding.removingLineBreaks(displayName)
        address = MIMEEncoding.removingLineBreaks(address).filter { $0 != "<" && $0 != ">" && $0 != " " }
    }

    /// The header form: encoded-words for non-ASCII names, a quoted string when specials occur.
    var headerValue: String {
        guard !displayName.isEmpty else { return address }
        if !displayName.unicodeScalars.allSatisfy(\.isASCII) {
            return MIMEEncoding.encodedWords(displayName).joined(separator: " ") + " <\(address)>"
        }
        let specials: Set<Character> = ["(", ")", "<", ">", "[", "]", ":", ";", "@", "\\", ",", ".", "\""]
        if displayName.contains(where: { specials.contains($0) }) {
            let escaped = displayName.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            return "\"\(escaped)\" <\(address)>"
        }
        return "\(displayName) <\(address)>"
    }

    /// The domain part, or "" when the address has none.
    var domain: String {
        guard let at = address.lastIndex(of: "@") else { return "" }
        return String(address[address.index(after: at)...])
    }
}

extension String {
    func trimmingSpaces() -> String {
        var slice = Substring(self)
        while let first = slice.first, first.isWhitespace { slice.removeFirst() }
        while let last = slice.last, last.isWhitespace { slice.removeLast() }
        return String(slice)
    }
}
