import Foundation
import NotifyCore
import NotifyTestSupport
import Testing
import Transport
@testable import NotifyWorkers

/// Email through SMTP to the local sink: MIME parts, Message-ID, one-click unsubscribe headers.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct EmailProviderTests {
    @Test func smtpSubmissionCarriesBothPartsAndTheUnsubscribeHeaders() async throws {
        let sink = try SMTPSink.start(requireAuth: (user: "notifyme", password: "s3cret"))
        defer { sink.stop() }
        let transport = CurlTransport()
        defer { transport.shutdown() }
        let provider = EmailProvider(name: "smtp", sender: SMTPEmailSender(transport: transport, server: SMTPServer(
            url: sink.url, username: "notifyme", password: "s3cret", startTLS: false, timeout: .seconds(10))),
            fromHeader: "NotifyMe <no-reply@notify.gov.bh>")
        let message = OutboundMessage(notificationId: "ntf_0123", channel: .email, eventType: "traffic.fine-issued", to: "fatima@example.bh",
                                      subject: "Traffic fine", body: "A fine of 50 BHD.", html: "<p>A fine of 50 BHD.</p>",
                                      idempotencyKey: "ntf_0123:email", unsubscribeURL: "https://notify.gov.bh/v1/unsubscribe/abc")
        let accepted = try await provider.send(message)
        #expect(accepted.messageId == "<ntf_0123@notify.gov.bh>")
        let mail = try #require(await sink.awaitMessages(count: 1, timeout: 10).first)
        #expect(mail.recipients == ["fatima@example.bh"])
        #expect(mail.authenticatedAs == "notifyme")
        #expect(mail.data.contains("Message-ID: <ntf_0123@notify.gov.bh>"))
        #expect(mail.data.contains("List-Unsubscribe: <https://notify.gov.bh/v1/unsubscribe/abc>"))
        #expect(mail.data.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"))
        #expect(mail.data.contains("multipart/alternative"))
        #expect(mail.data.contains("text/html"))

        // Mandatory categories carry no unsubscribe link.
        var code = message
        code.unsubscribeURL = nil
        code.notificationId = "ntf_0124"
        _ = try await provider.send(code)
        let second = await sink.awaitMessages(count: 2, timeout: 10)
        #expect(second.contains { $0.data.contains("ntf_0124") && !$0.data.contains("List-Unsubscribe") })
    }

    @Test func anUnreachableServerIsTransient() async throws {
        let transport = CurlTransport()
        defer { transport.shutdown() }
        let provider = EmailProvider(name: "smtp", sender: SMTPEmailSender(transport: transport, server: SMTPServer(
            url: "smtp://127.0.0.1:1", username: nil, password: nil, startTLS: false, timeout: .seconds(3))), fromHeader: "NotifyMe <a@b.bh>")
        do {
            _ = try await provider.send(OutboundMessage(notificationId: "ntf_1", channel: .email, eventType: "x", to: "a@example.bh", body: "b",
                                                        idempotencyKey: "k"))
            Issue.record("expected a failure")
        } catch let e as ProviderError {
            #expect(e.kind == .transient)
        }
    }
}
