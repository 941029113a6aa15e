import Foundation

extension MailMessage {
    private static let reservedHeaders: Set<String> = [
        "from", "to", "subject", "date", "message-id", "mime-version",
        "content-type", "content-transfer-encoding",
    ]

    /// The message bytes: CRLF line endings, `MIME-Version: 1.0`, RFC 5322 `Date`, UTF-8 parts in
    /// quoted-printable or base64 with lines of at most 76 characters, and a boundary unique to
    /// this rendering.
    public func render() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(1024 + 2 * (textBody.utf8.count + (htmlBody?.utf8.count ?? 0)))
        func header(_ line: String) { MIMEEncoding.appendHeader(line, to: &out) }
        header("From: " + MailAddress(from).headerValue)
        header("To: " + to.map { MailAddress($0).headerValue }.joined(separator: ", "))
        header("Subject: " + encodedText(subject))
        header("Date: " + MailDate.format(date))
        header("Message-ID: " + MIMEEncoding.removingLineBreaks(messageID))
        header("MIME-Version: 1.0")
        for extra in extraHeaders {
            let name = extra.name
            guard !name.isEmpty, name.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: ":") }),
                  !Self.reservedHeaders.contains(name.lowercased()) else { continue }
            header("\(name): " + encodedText(extra.value))
        }
        if let htmlBody {
            let boundary = "=_NotifyMe_" + Self.randomHex()
            out.append(contentsOf: "Content-Type: multipart/alternative;\r\n boundary=\"\(boundary)\"\r\n\r\n".utf8)
            out.append(contentsOf: "This is a multi-part message in MIME format.\r\n".utf8)
            out.append(contentsOf: "--\(boundary)\r\n".utf8)
            Self.appendPart(type: "text/plain", textBody, to: &out)
            out.append(contentsOf: "--\(boundary)\r\n".utf8)
            Self.appendPart(type: "text/html", htmlBody, to: &out)
            out.append(contentsOf: "--\(boundary)--\r\n".utf8)
        } else {
            Self.appendPart(type: "text/plain", textBody, to: &out)
        }
        return out
    }

    private static let crlf: [UInt8] = [0x0D, 0x0A]

    /// 32 random upper-case hex digits, as a UUID's string without its dashes gives.
    private static func randomHex() -> String {
        var generator = SystemRandomNumberGenerator()
        let digits = Array("0123456789ABCDEF".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        for _ in 0..<2 {
            var word: UInt64 = generator.next()
            for _ in 0..<16 {
                bytes.append(digits[Int(word & 0x0F)])
                word >>= 4
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Whether ASCII `text` holds `=?`, which would read as the start of an encoded-word.
    private static func containsEncodedWordStart(_ text: String) -> Bool {
        var afterEquals = false
        for byte in text.utf8 {
            if afterEquals && byte == UInt8(ascii: "?") { return true }
            afterEquals = byte == UInt8(ascii: "=")
        }
        return false
    }

    /// Content headers, blank line and encoded body of one text part, ending with CRLF. The encoding is chosen from the
    /// body, so the body is encoded first and its header written in front of it.
    private static func appendPart(type: String, _ text: String, to out: inout [UInt8]) {
        var body: [UInt8] = []
        let encoding = MIMEEncoding.appendBody(text, to: &body)
        out.append(contentsOf: "Content-Type: \(type); charset=UTF-8\r\nContent-Transfer-Encoding: \(encoding)\r\n\r\n".utf8)
        out.append(contentsOf: body)
        if !out.ends(with: crlf) { out.append(contentsOf: crlf) }
    }

    /// Header text: as is when ASCII, encoded-words otherwise; never a line break.
    private func encodedText(_ text: String) -> String {
        let clean = MIMEEncoding.removingLineBreaks(text)
        if clean.utf8.allSatisfy({ $0 < 0x80 }), !Self.containsEncodedWordStart(clean) { return clean }
        return MIMEEncoding.encodedWords(clean).joined(separator: " ")  // folded later at the spaces
    }
}

extension Array where Element == UInt8 {
    fileprivate func ends(with suffix: [UInt8]) -> Bool {
        count >= suffix.count && self[(count - suffix.count)...].elementsEqual(suffix)
    }
}
