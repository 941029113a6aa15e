import Foundation
import Testing
import Transport

@Suite("MailMessage renders RFC 5322 / MIME")
struct MailMessageTests {
    let arabicSubject = "تنبيه: ينتهي جواز سفرك خلال 30 يومًا — يرجى التجديد عبر البوابة الوطنية"
    let arabicText = "عزيزي المقيم،\nينتهي جواز سفرك خلال 30 يومًا.\nDear resident, your passport expires in 30 days."
    let html = "<html><body><p dir=\"rtl\">ينتهي جواز سفرك خلال 30 يومًا.</p><p>Your passport expires in 30 days.</p></body></html>"

    private func lines(_ bytes: [UInt8]) -> [String] {
        String(decoding: bytes, as: UTF8.self).components(separatedBy: "\r\n")
    }

    private func sample() -> MailMessage {
        MailMessage(
            from: "NotifyMe <no-reply@notify.gov.bh>",
            to: ["Resident <resident@example.bh>", "other@example.bh"],
            subject: arabicSubject, textBody: arabicText, htmlBody: html,
            messageID: "<n-1@notify.gov.bh>",
            date: Date(timeIntervalSince1970: 1_709_632_800),  // 2024-03-05 10:00:00 UTC
            extraHeaders: [
                HTTPHeader(name: "List-Unsubscribe", value: "<https://notify.gov.bh/u/abc>"),
                HTTPHeader(name: "List-Unsubscribe-Post", value: "List-Unsubscribe=One-Click"),
                HTTPHeader(name: "X-Notification-Id", value: "n-1"),
            ]
        )
    }

    @Test("CRLF only, lines within limits, standard headers present")
    func structure() throws {
        let raw = sample().render()
        let text = String(decoding: raw, as: UTF8.self)
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\r"))
        #expect(lines(raw).allSatisfy { $0.utf8.count <= 78 })
        #expect(text.contains("\r\nMIME-Version: 1.0\r\n"))
        #expect(text.contains("\r\nDate: Tue, 05 Mar 2024 10:00:00 +0000\r\n"))
        #expect(text.contains("\r\nMessage-ID: <n-1@notify.gov.bh>\r\n"))
        #expect(text.hasPrefix("From: NotifyMe <no-reply@notify.gov.bh>\r\n"))
        #expect(text.contains("\r\nTo: Resident <resident@example.bh>, other@example.bh\r\n"))
        #expect(text.contains("Content-Type: multipart/alternative;\r\n boundary=\"=_NotifyMe_"))
        #expect(text.contains("Content-Type: text/plain; charset=UTF-8"))
        #expect(text.contains("Content-Type: text/html; charset=UTF-8"))
        #expect(text.contains("\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"))
        #expect(text.allSatisfy { $0.isASCII })
    }

    @Test("An independent MIME parser decodes the Arabic subject, both parts and the addresses")
    func roundTrip() async throws {
        let parsed = try await offPool { try ParsedMail.parse(sample().render()) }
        #expect(parsed.defects.isEmpty)
        #expect(parsed.subject == arabicSubject)
        #expect(parsed.from.first?.name == "NotifyMe")
        #expect(parsed.from.first?.address == "no-reply@notify.gov.bh")
        #expect(parsed.to.map(\.address) == ["resident@example.bh", "other@example.bh"])
        #expect(parsed.parts.map(\.type) == ["text/plain", "text/html"])
        #expect(parsed.parts.allSatisfy { $0.charset?.lowercased() == "utf-8" })
        #expect(parsed.parts.first.map { normalized($0.content) } == arabicText)
        #expect(parsed.parts.last.map { normalized($0.content) } == html)
        #expect(parsed.header("X-Notification-Id") == "n-1")
    }

    @Test("Mostly-ASCII text goes quoted-printable with soft breaks and round-trips exactly")
    func quotedPrintable() async throws {
        let long = "Your traffic fine 2024/0042 = 50.000 BHD. " + String(repeating: "Pay online at https://notify.gov.bh/pay?ref=0042&x=é ", count: 6) + "  \nTrailing spaces   \nEnd."
        let message = MailMessage(from: "no-reply@notify.gov.bh", to: ["a@example.bh"], subject: "Fine issued", textBody: long)
        let raw = message.render()
        let text = String(decoding: raw, as: UTF8.self)
        #expect(text.contains("Content-Transfer-Encoding: quoted-printable"))
        #expect(!text.contains("multipart"))
        #expect(lines(raw).allSatisfy { $0.utf8.count <= 76 })
        #expect(text.contains("Subject: Fine issued\r\n"))
        let parsed = try await offPool { try ParsedMail.parse(raw) }
        #expect(parsed.defects.isEmpty)
        #expect(parsed.parts.first.map { normalized($0.content) } == long)
    }

    @Test("Each rendering gets its own boundary; Message-ID defaults to the sender's domain")
    func boundariesAndIDs() throws {
        let message = MailMessage(from: "NotifyMe <no-reply@notify.gov.bh>", to: ["a@example.bh"], subject: "s", textBody: "t", htmlBody: "<p>t</p>")
        func boundary(_ raw: [UInt8]) -> String? {
            let text = String(decoding: raw, as: UTF8.self)
            guard let range = text.range(of: "boundary=\"") else { return nil }
            return String(text[range.upperBound...].prefix { $0 != "\"" })
        }
        let first = try #require(boundary(message.render()))
        let second = try #require(boundary(message.render()))
        #expect(first != second)
        #expect(first.hasPrefix("=_NotifyMe_") && first.dropFirst(11).count == 32 && first.dropFirst(11).allSatisfy(\.isHexDigit), "\(first)")
        #expect(message.messageID.hasPrefix("<"))
        #expect(message.messageID.hasSuffix("@notify.gov.bh>"))
        #expect(MailMessage(from: "x@y.bh", to: [], subject: "", textBody: "").messageID != MailMessage(from: "x@y.bh", to: [], subject: "", textBody: "").messageID)
    }

    @Test("Line breaks in header values cannot inject headers; reserved extra headers are ignored")
    func headerInjection() async throws {
        let message = MailMessage(
            from: "no-reply@notify.gov.bh", to: ["a@example.bh"],
            subject: "Hello\r\nBcc: victim@example.com", textBody: "body",
            extraHeaders: [HTTPHeader(name: "X-Tag", value: "a\nBcc: other@example.com"), HTTPHeader(name: "Subject", value: "second")]
        )
        let text = String(decoding: message.render(), as: UTF8.self)
        #expect(!text.contains("\r\nBcc:"))
        #expect(text.components(separatedBy: "\r\nSubject:").count == 2)
        let parsed = try await offPool { try ParsedMail.parse(message.render()) }
        #expect(parsed.header("Bcc") == nil)
        #expect(parsed.subject == "Hello Bcc: victim@example.com")
    }

    @Test("SMTPEnvelope(mail) uses bare addresses for MAIL FROM and RCPT TO")
    func envelope() {
        let envelope = SMTPEnvelope(sample())
        #expect(envelope.from == "no-reply@notify.gov.bh")
        #expect(envelope.recipients == ["resident@example.bh", "other@example.bh"])
        #expect(!envelope.message.isEmpty)
    }

    @Test("An Arabic display name is encoded too")
    func arabicDisplayName() async throws {
        let message = MailMessage(from: "البوابة الوطنية <no-reply@notify.gov.bh>", to: ["a@example.bh"], subject: "s", textBody: "t")
        let parsed = try await offPool { try ParsedMail.parse(message.render()) }
        #expect(parsed.from.first?.name == "البوابة الوطنية")
        #expect(parsed.from.first?.address == "no-reply@notify.gov.bh")
    }
}
