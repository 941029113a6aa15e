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
            let eventId = try await client.execute(uri: "/v1/events", method: .post, headers: Req.headers(key), body: Req.body(Req.expiryEvent)) { r in
                #expect(r.status == .accepted)
                let json = Req.json(r.body)
                #expect(json["status"] as? String == "accepted")
                return json["id"] as? String ?? ""
            }

            let mails = sink.waitForMessages(count: 1, timeout: 20)
            try #require(mails.count == 1, "no email arrived; sink log: \(sink.log)")
            #expect(mails[0].recipients == ["fatima@example.bh"])
            #expect(mails[0].from == "no-reply@notify.gov.bh")
            // The Arabic template was chosen: its subject is RFC 2047-encoded UTF-8.
            #expect(mails[0].data.contains("Subject: =?UTF-8?B?"))
            let decoded = MailText.decodedBodies(mails[0].data)
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
            guard part.contains("Content-Transfer-Encoding: base64"), let blank = part.range(of: "\n\n") else { return nil }
            let b64 = part[blank.upperBound...].filter { !$0.isWhitespace }
            return Data(base64Encoded: String(b64)).flatMap { String(data: $0, encoding: .utf8) }
        }.joined(separator: "\n")
    }
}
