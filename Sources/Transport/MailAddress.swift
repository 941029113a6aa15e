/// A mailbox as written in a header: `Display Name <local@domain>` or a bare address.
struct MailAddress: Sendable, Equatable {
    var displayName: String
    var address: String

    init(_ text: String) {
        // Every email parses its From and To: ASCII text without a quoted name is read as bytes, which gives what the
        // character-wise reading below gives for it.
        if let parsed = Self.asciiParts(text) {
            self.init(displayName: parsed.name, address: parsed.address)
            return
        }
        let trimmed = text.trimmingSpaces()
        guard trimmed.hasSuffix(">"), let open = trimmed.lastIndex(of: "<") else {
            self.init(displayName: "", address: trimmed)
            return
        }
        var name = String(trimmed[..<open]).trimmingSpaces()
        if name.count >= 2, name.hasPrefix("\""), name.hasSuffix("\"") {
            name = String(name.dropFirst().dropLast())
                .replacingOccurrences(of: "\\\"", with: "\"").replacingOccurrences(of: "\\\\", with: "\\")
        }
        self.init(displayName: name, address: String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)]).trimmingSpaces())
    }

    /// The parts as found, with line breaks and the characters an address may not hold taken out.
    private init(displayName: String, address: String) {
        self.displayName = MIMEEncoding.removingLineBreaks(displayName)
        var address = MIMEEncoding.removingLineBreaks(address)
        // Only a character that is exactly one of these bytes is dropped; without the bytes there is none.
        if address.utf8.contains(where: { $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">") || $0 == UInt8(ascii: " ") }) {
            address = address.filter { $0 != "<" && $0 != ">" && $0 != " " }
        }
        self.address = address
    }

    /// Name and address of ASCII `text`, trimmed as ``String/trimmingSpaces()`` trims; nil for other text and for a
    /// quoted name, which the character-wise reading unescapes.
    private static func asciiParts(_ text: String) -> (name: String, address: String)? {
        guard text.utf8.allSatisfy({ $0 < 0x80 }) else { return nil }
        let bytes = Array(text.utf8)
        let all = trimmed(bytes[...])
        guard all.last == UInt8(ascii: ">"), let open = all.lastIndex(of: UInt8(ascii: "<")) else {
            return ("", String(decoding: all, as: UTF8.self))
        }
        let name = trimmed(all[..<open])
        if name.first == UInt8(ascii: "\"") { return nil }
        let address = trimmed(all[(open + 1)..<(all.endIndex - 1)])
        return (String(decoding: name, as: UTF8.self), String(decoding: address, as: UTF8.self))
    }

    /// `bytes` without ASCII whitespace (tab, line feed, vertical tab, form feed, carriage return, space) at either end.
    private static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || (0x09...0x0D).contains(b) }
        var slice = bytes
        while let first = slice.first, isSpace(first) { slice = slice.dropFirst() }
        while let last = slice.last, isSpace(last) { slice = slice.dropLast() }
        return slice
    }

    /// The bytes that make a display name a quoted string (RFC 5322 specials).
    private static let specials = Set("()<>[]:;@\\,.\"".utf8)

    /// The header form: encoded-words for non-ASCII names, a quoted string when specials occur.
    var headerValue: String {
        guard !displayName.isEmpty else { return address }
        if !displayName.unicodeScalars.allSatisfy(\.isASCII) {
            return MIMEEncoding.encodedWords(displayName).joined(separator: " ") + " <\(address)>"
        }
        // ASCII here, so a special is one byte.
        if displayName.utf8.contains(where: { Self.specials.contains($0) }) {
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
        // Text that starts and ends with a visible ASCII byte has nothing to trim: no character that begins or ends with
        // such a byte is whitespace.
        if let first = utf8.first, let last = utf8.last, (0x21...0x7E).contains(first), (0x21...0x7E).contains(last) { return self }
        var slice = Substring(self)
        while let first = slice.first, first.isWhitespace { slice.removeFirst() }
        while let last = slice.last, last.isWhitespace { slice.removeLast() }
        return String(slice)
    }
}
