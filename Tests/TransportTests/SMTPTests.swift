import Foundation
import NotifyTestSupport
import Testing
import Transport

@Suite("SMTP submission to an aiosmtpd sink", .serialized, .timeLimit(.minutes(2)))
struct SMTPTests {
    let subject = "تنبيه طارئ: محافظة الجنوبية"
    let text = "تنبيه طارئ للمقيمين في المحافظة الجنوبية.\nEmergency alert for the Southern Governorate."
    let html = "<p dir=\"rtl\">تنبيه طارئ للمقيمين في المحافظة الجنوبية.</p><p>Emergency alert.</p>"

    private func mail(to: [String] = ["Resident One <one@example.bh>", "two@example.bh"]) -> MailMessage {
        MailMessage(
            from: "NotifyMe <no-reply@notify.gov.bh>", to: to,
            subject: subject, textBody: text, htmlBody: html,
            extraHeaders: [HTTPHeader(name: "X-Notification-Id", value: "n-42")]
        )
    }

    @Test("An Arabic multipart message arrives with its envelope, subject and both parts")
    func arabicMultipart() async throws {
        let sink = try await offPool { try SMTPSink.start() }
        let transport = CurlTransport()
        defer { transport.shutdown() }
        let message = mail()
        try await transport.send(SMTPEnvelope(message), via: SMTPServer(url: sink.url, heloName: "notify.gov.bh"))

        let received = try await offPool { sink.waitForMessages(count: 1, timeout: 10) }
        let first = try #require(received.first, "sink log:\n\(sink.log)")
        #expect(received.count == 1)
        #expect(first.from == "no-reply@notify.gov.bh")
        #expect(first.recipients == ["one@example.bh", "two@example.bh"])
        #expect(first.authenticatedAs == nil)
        #expect(first.heloName == "notify.gov.bh")

        let parsed = try await offPool { try ParsedMail.parse(Array(first.data.utf8)) }
        #expect(parsed.defects.isEmpty)
        #expect(parsed.subject == subject)
        #expect(parsed.to.map(\.address) == ["one@example.bh", "two@example.bh"])
        #expect(parsed.parts.map(\.type) == ["text/plain", "text/html"])
        #expect(parsed.parts.first.map { normalized($0.content) } == text)
        #expect(parsed.parts.last.map { normalized($0.content) } == html)
        #expect(parsed.header("X-Notification-Id") == "n-42")
        #expect(parsed.header("Message-ID") == message.messageID)
    }

    @Test("A line starting with a dot survives (dot-stuffing) and several mails go out concurrently")
    func dotStuffingAndConcurrency() async throws {
        let sink = try await offPool { try SMTPSink.start() }
        let transport = CurlTransport()
        defer { transport.shutdown() }
        let body = "first line\r\n.\r\n.hidden\r\nlast line\r\n"
        let raw = Array("From: a@notify.gov.bh\r\nTo: b@example.bh\r\nSubject: dots\r\n\r\n\(body)".utf8)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<5 {
                group.addTask {
                    try await transport.send(SMTPEnvelope(from: "a@notify.gov.bh", recipients: ["r\(i)@example.bh"], message: raw), via: SMTPServer(url: sink.url))
                }
            }
            try await group.waitForAll()
        }
        let received = try await offPool { sink.waitForMessages(count: 5, timeout: 10) }
        #expect(received.count == 5)
        #expect(Set(received.flatMap(\.recipients)) == Set((0..<5).map { "r\($0)@example.bh" }))
        #expect(received.allSatisfy { $0.data.hasSuffix(body) })
    }

    @Test("AUTH: right credentials are accepted, wrong ones give isAuthentication, none is rejected")
    func authentication() async throws {
        let sink = try await offPool { try SMTPSink.start(requireAuth: (user: "notifyme", password: "s3cret-pass")) }
        let transport = CurlTransport()
        defer { transport.shutdown() }
        let envelope = SMTPEnvelope(mail(to: ["one@example.bh"]))

        try await transport.send(envelope, via: SMTPServer(url: sink.url, username: "notifyme", password: "s3cret-pass"))
        let received = try await offPool { sink.waitForMessages(count: 1, timeout: 10) }
        #expect(received.first?.authenticatedAs == "notifyme")

        let wrong = await #expect(throws: TransportError.self) {
            try await transport.send(envelope, via: SMTPServer(url: sink.url, username: "notifyme", password: "wrong"))
        }
        #expect(wrong?.isAuthentication == true)

        let none = await #expect(throws: TransportError.self) {
            try await transport.send(envelope, via: SMTPServer(url: sink.url))
        }
        #expect(none?.isSMTPRejected == true)
        #expect(none?.smtpReplyCode == 530)
        #expect(none?.isPermanentSMTPRejection == true)
        #expect(sink.messages().count == 1)
    }

    @Test("STARTTLS with AUTH succeeds when the sink's certificate is trusted; fails typed otherwise")
    func startTLS() async throws {
        let sink = try await offPool { try SMTPSink.start(requireAuth: (user: "notifyme", password: "pw"), startTLS: true) }
        let certificate = try #require(sink.certificatePath)
        let trusting = CurlTransport(configuration: TransportConfiguration(caBundlePath: certificate))
        let strict = CurlTransport()
        defer {
            trusting.shutdown()
            strict.shutdown()
        }
        let envelope = SMTPEnvelope(mail(to: ["one@example.bh"]))
        let server = SMTPServer(url: sink.url, username: "notifyme", password: "pw", startTLS: true)

        try await trusting.send(envelope, via: server)
        let received = try await offPool { sink.waitForMessages(count: 1, timeout: 10) }
        #expect(received.count == 1)
        #expect(received.first?.authenticatedAs == "notifyme")

        let untrusted = await #expect(throws: TransportError.self) { try await strict.send(envelope, via: server) }
        #expect(untrusted?.isTLS == true)

        // A fresh transport: the first one may legitimately reuse its STARTTLS-upgraded connection.
        let plainTransport = CurlTransport(configuration: TransportConfiguration(caBundlePath: certificate))
        defer { plainTransport.shutdown() }
        var plain = server
        plain.startTLS = false
        let refused = await #expect(throws: TransportError.self) { try await plainTransport.send(envelope, via: plain) }
        #expect(refused?.isTLS == false)
        #expect(refused?.smtpReplyCode == 530)
        #expect(sink.messages().count == 1)
    }

    @Test("Bad envelopes are rejected before connecting")
    func invalidEnvelope() async throws {
        let transport = CurlTransport()
        defer { transport.shutdown() }
        let noRecipients = await #expect(throws: TransportError.self) {
            try await transport.send(SMTPEnvelope(from: "a@b.bh", recipients: [], message: []), via: SMTPServer(url: "smtp://127.0.0.1:1"))
        }
        #expect(noRecipients?.isInvalidRequest == true)
        let injected = await #expect(throws: TransportError.self) {
            try await transport.send(SMTPEnvelope(from: "a@b.bh", recipients: ["x@y.bh>\r\nRCPT TO:<z@w.bh"], message: []), via: SMTPServer(url: "smtp://127.0.0.1:1"))
        }
        #expect(injected?.isInvalidRequest == true)
        let wrongScheme = await #expect(throws: TransportError.self) {
            try await transport.send(SMTPEnvelope(from: "a@b.bh", recipients: ["x@y.bh"], message: []), via: SMTPServer(url: "http://127.0.0.1:1"))
        }
        #expect(wrongScheme?.isInvalidRequest == true)
    }
}
