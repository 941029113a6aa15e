import Foundation
import Hummingbird
import HummingbirdTesting
import NotifyAPI
import NotifyCore
import NotifyStore
import NotifyTestSupport
import NotifyWorkers
import Testing
import Transport

/// An event travels from an entity to a resident's inbox on a real SMTP server.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct EndToEndTests {
    @Test func eventReachesSMTPSinkInResidentsLanguage() async throws {
        let sink = try SMTPSink.start()
        defer { sink.stop() }
        let env = try await TestEnvironment(smtpURL: sink.url)
        defer { env.stop() }
        let transport = CurlTransport()
        defer { transport.shutdown() }
        let workers = try WorkerSet.make(config: env.config, redis: env.redis, catalogue: env.deps.catalogue,
                                         templates: env.deps.templates, cipher: env.deps.cipher, transport: transport, logger: env.logger)
        let app = buildApplication(config: env.config, dependencies: env.deps, services: workers, logger: env.logger)
        let key = try await env.entityKey()
        let token = try await env.residentToken("880101234")

        try await app.test(.live) { client in
            try await client.execute(uri: "/v1/me/contact", method: .put, headers: Req.headers(token),
                                     body: Req.body(#"{"name":"Fatima","email":"fatima@example.bh","language":"ar"}"#)) { r in
                #expect(r.status == .ok)
            }
            // The new address gets a code (Arabic, mandatory "security" category) before anything else.
            let codeMail = await sink.awaitMessages(count: 1, timeout: 20)
            try #require(codeMail.count == 1, "no verification email arrived; sink log: \(sink.log)")
            let code = try #require(MailText.code(in: MailText.decodedBodies(codeMail[0].data)))
            try await client.execute(uri: "/v1/me/contact/verify", method: .post, headers: Req.headers(token),
                                     body: Req.body(#"{"channel":"email","code":"\#(code)"}"#)) { r in
                #expect(r.status == .ok)
                #expect((Req.json(r.body)["verified"] as? [String: Bool])?["email"] == true)
            }
            let eventId = try await client.execute(uri: "/v1/events", method: .post, headers: Req.headers(key), body: Req.body(Req.expiryEvent)) { r in
                #expect(r.status == .accepted)
                let json = Req.json(r.body)
                #expect(json["status"] as? String == "accepted")
                return json["id"] as? String ?? ""
            }

            let mails = await sink.awaitMessages(count: 2, timeout: 20)
            try #require(mails.count == 2, "no email arrived; sink log: \(sink.log)")
            let mail = try #require(mails.first { $0.data != codeMail[0].data })
            #expect(mail.recipients == ["fatima@example.bh"])
            #expect(mail.from == "no-reply@notify.gov.bh")
            // The Arabic template was chosen: its subject is RFC 2047-encoded UTF-8.
            #expect(mail.data.contains("Subject: =?UTF-8?B?"))
            let decoded = MailText.decodedBodies(mail.data)
            #expect(decoded.contains("تنتهي صلاحية passport"))
            #expect(decoded.contains("P-100"))

            let notificationId = Digest.notificationID(eventId: eventId, cpr: try CPR("880101234"))
            var status = ""
            for _ in 0..<50 {
                status = try await client.execute(uri: "/v1/notifications/\(notificationId)", method: .get, headers: Req.headers(key)) { r in
                    Req.json(r.body)["status"] as? String ?? ""
                }
                if status == "sent" { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(status == "sent")
            try await client.execute(uri: "/v1/notifications/\(notificationId)", method: .get, headers: Req.headers(key)) { r in
                let json = Req.json(r.body)
                #expect(json["channel"] as? String == "email")
                #expect(json["eventId"] as? String == eventId)
                let timeline = (json["timeline"] as? [[String: Any]] ?? []).compactMap { $0["status"] as? String }
                #expect(timeline == ["queued", "sending", "sent"])
            }
            // Another entity learns nothing, not even that the notification exists.
            let other = try await env.entityKey("other.ministry", patterns: "*")
            try await client.execute(uri: "/v1/notifications/\(notificationId)", method: .get, headers: Req.headers(other)) { r in
                #expect(r.status == .notFound)
            }
            try await client.execute(uri: "/v1/events/\(eventId)", method: .get, headers: Req.headers(key)) { r in
                let json = Req.json(r.body)
                #expect(json["status"] as? String == "dispatched")
                #expect((json["counts"] as? [String: Int])?["sent"] == 1)
            }
        }
    }
}

/// Decodes the base64 parts of a MIME message so a test can read its text.
enum MailText {
    static func decodedBodies(_ raw: String) -> String {
        let text = raw.replacingOccurrences(of: "\r\n", with: "\n")
        return text.components(separatedBy: "\n--").compactMap { part -> String? in
            guard let blank = part.range(of: "\n\n") else { return nil }
            let body = part[blank.upperBound...]
            if part.contains("Content-Transfer-Encoding: base64") {
                return Data(base64Encoded: String(body.filter { !$0.isWhitespace })).flatMap { String(data: $0, encoding: .utf8) }
            }
            if part.contains("Content-Transfer-Encoding: quoted-printable") { return quotedPrintable(String(body)) }
            return nil
        }.joined(separator: "\n")
    }

    static func quotedPrintable(_ text: String) -> String {
        var bytes: [UInt8] = []
        var it = Array(text.replacingOccurrences(of: "=\n", with: "").utf8)[...]
        while let b = it.popFirst() {
            if b == UInt8(ascii: "="), it.count >= 2, let v = UInt8(String(decoding: it.prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(v)
                it = it.dropFirst(2)
            } else {
                bytes.append(b)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The first six-digit run in `text`.
    static func code(in text: String) -> String? {
        var run = ""
        for ch in text {
            if ch.isASCII && ch.isNumber { run.append(ch); if run.count == 6 { return run } } else { run = "" }
        }
        return nil
    }
}
