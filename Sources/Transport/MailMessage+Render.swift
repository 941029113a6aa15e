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
        var headers: [String] = []
        headers.append("From: " + MailAddress(from).headerValue)
        headers.append("To: " + to.map { MailAddress($0).headerValue }.joined(separator: ", "))
        headers.append("Subject: " + encodedText(subject))
        headers.append("Date: " + MailDate.format(date))
        headers.append("Message-ID: " + MIMEEncoding.removingLineBreaks(messageID))
        headers.append("MIME-Version: 1.0")
        for header in extraHeaders {
            let name = header.name
            guard !name.isEmpty, name.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: ":") }),
                  !Self.reservedHeaders.contains(name.lowercased()) else { continue }
            headers.append("\(name): " + encodedText(header.value))
        }

        var out = ""
        for header in headers { out += MIMEEncoding.fold(header) + "\r\n" }
        if let htmlBody {
            let boundary = "=_NotifyMe_" + UUID.random().uuidString.split(separator: "-").joined()
            out += "Content-Type: multipart/alternative;\r\n boundary=\"\(boundary)\"\r\n\r\n"
            out += "This is a multi-part message in MIME format.\r\n"
            out += "--\(boundary)\r\n" + part(type: "text/plain", textBody)
            out += "--\(boundary)\r\n" + part(type: "text/html", htmlBody)
            out += "--\(boundary)--\r\n"
        } else {
            out += part(type: "text/plain", textBody)
        }
        return Array(out.utf8)
    }

    /// Content headers, blank line and encoded body of one text part, ending with CRLF.
    private func part(type: String, _ text: String) -> String {
        let (encoding, body) = MIMEEncoding.encodeBody(text)
        var out = "Content-Type: \(type); charset=UTF-8\r\nContent-Transfer-Encoding: \(encoding)\r\n\r\n" + body
        if !out.hasSuffix("\r\n") { out += "\r\n" }
        return out
    }

    /// Header text: as is when ASCII, encoded-words otherwise; never a line break.
    private func encodedText(_ text: String) -> String {
        let clean = MIMEEncoding.removingLineBreaks(text)
        if clean.unicodeScalars.allSatisfy(\.isASCII), !clean.contains("=?") { return clean }
        return MIMEEncoding.encodedWords(clean).joined(separator: " ")  // folded later at the spaces
    }
}
