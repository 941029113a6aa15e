import CCurl

extension CurlTransport {
    /// Submits `mail` to `server`: EHLO, optional STARTTLS and AUTH, MAIL FROM, RCPT TO for each
    /// recipient, DATA (libcurl dot-stuffs the message).
    ///
    /// Throws ``TransportError``: ``TransportError/isSMTPRejected`` (with
    /// ``TransportError/smtpReplyCode``) when the server refuses the sender, any recipient or the
    /// message; ``TransportError/isAuthentication`` for refused credentials; ``TransportError/isTLS``
    /// when STARTTLS is required but unavailable or fails; and the connection errors of ``execute(_:)``.
    public func send(_ mail: SMTPEnvelope, via server: SMTPServer) async throws {
        let lowerURL = server.url.lowercased()
        guard lowerURL.hasPrefix("smtp://") || lowerURL.hasPrefix("smtps://") else {
            throw TransportError.invalidRequest("only smtp:// and smtps:// URLs are supported")
        }
        guard !mail.recipients.isEmpty else { throw TransportError.invalidRequest("no recipients") }
        guard Self.isEnvelopeAddress(mail.from, allowEmpty: true),
              mail.recipients.allSatisfy({ Self.isEnvelopeAddress($0, allowEmpty: false) })
        else { throw TransportError.invalidRequest("invalid envelope address") }
        var url = server.url
        if let helo = server.heloName {
            guard !helo.isEmpty, helo.utf8.allSatisfy({ Self.isHeloByte($0) }) else {
                throw TransportError.invalidRequest("invalid HELO name")
            }
            // libcurl takes the EHLO name from the URL path.
            while url.hasSuffix("/") { url.removeLast() }
            let afterScheme = url[url.index(url.startIndex, offsetBy: lowerURL.hasPrefix("smtps") ? 8 : 7)...]
            if !afterScheme.contains("/") { url += "/" + helo }
        }

        let label = "SMTP \(Self.logTarget(server.url))"
        _ = try await run(kind: .smtp, label: label, upload: mail.message) { transfer, easy throws(TransportError) in
            try easy.set(CURLOPT_URL, url)
            try easy.set(CURLOPT_PROTOCOLS_STR, "smtp,smtps")
            try easy.set(CURLOPT_TIMEOUT_MS, server.timeout.curlMilliseconds)
            try easy.set(CURLOPT_CONNECTTIMEOUT_MS, min(server.timeout, .seconds(10)).curlMilliseconds)
            try easy.set(CURLOPT_MAIL_FROM, "<\(mail.from)>")
            try easy.set(CURLOPT_MAIL_RCPT, list: transfer.makeSlist(mail.recipients.map { "<\($0)>" }))
            try easy.set(CURLOPT_UPLOAD, true)
            try easy.set(CURLOPT_INFILESIZE_LARGE, offset: curl_off_t(mail.message.count))
            if server.startTLS { try easy.set(CURLOPT_USE_SSL, Int(CURLUSESSL_ALL.rawValue)) }
            if let username = server.username { try easy.set(CURLOPT_USERNAME, username) }
            if let password = server.password { try easy.set(CURLOPT_PASSWORD, password) }
        }
    }

    /// A bare address without the characters that would break the SMTP command line.
    static func isEnvelopeAddress(_ address: String, allowEmpty: Bool) -> Bool {
        if address.isEmpty { return allowEmpty }
        return !address.utf8.contains { $0 < 0x21 || $0 == 0x7F || $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">") }
    }

    private static func isHeloByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "-"),
             UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: ":"):
            return true
        default:
            return false
        }
    }
}
