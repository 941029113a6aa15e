import Foundation
import NotifyTestSupport
@testable import ProviderSim
import Testing
import Transport

@Suite(.timeLimit(.minutes(1))) struct SMTPSimulatorTests {
    func mail(_ id: String, body: String = "Your fine was issued.") -> SMTPEnvelope {
        let message = MailMessage(from: "no-reply@notify.gov.bh", to: ["resident@example.bh"], subject: "Fine issued", textBody: body,
                                  messageID: "<\(id)@notify.gov.bh>")
        return SMTPEnvelope(from: "no-reply@notify.gov.bh", recipients: ["resident@example.bh"], message: message.render())
    }

    @Test func acceptsWhatLibcurlSubmitsOverOneConnectionAndCountsRepeatedMessageIDs() async throws {
        try await SMTPSimulator.withRunning { smtp in
            let transport = CurlTransport()
            let server = SMTPServer(url: smtp.url, timeout: .seconds(10))
            // A line starting with a dot is stuffed by libcurl and unstuffed here; it must not end the message.
            try await transport.send(mail("n-1", body: ".\r\n.leading dot\r\nlast line"), via: server)
            try await transport.send(mail("n-2"), via: server)
            try await transport.send(mail("n-1"), via: server)
            let counts = smtp.counts
            #expect(counts.accepted == 3)
            #expect(counts.duplicates == 1)
            #expect(counts.connections == 1, "libcurl reuses its SMTP connection")
            #expect(smtp.messageIdCounts == ["<n-1@notify.gov.bh>": 2, "<n-2@notify.gov.bh>": 1])
        }
    }

    @Test func answersCommandsOutOfOrderWithErrorsAndPipelinedOnesInOrder() async throws {
        let replies = try await SMTPSimulator.withRunning { smtp in
            let port = try #require(URLComponents(string: smtp.url)?.port)
            return try await OffPool.run { () -> String? in
                let connection = try RawConnection(port: port)
                connection.send("RCPT TO:<a@example.bh>\r\nDATA\r\nHELP\r\nEHLO client\r\nMAIL FROM:<s@example.bh>\r\nMAIL FROM:<s@example.bh>\r\n"
                                + "RCPT TO:<a@example.bh>\r\nDATA\r\nMessage-ID: <m-1@x>\r\n\r\n..hi\r\n.\r\nMAIL FROM:<s@example.bh>\r\n"
                                + "HELO again\r\nRCPT TO:<a@example.bh>\r\nRSET\r\nNOOP\r\nQUIT\r\n")
                return connection.readUntilClosed(timeout: 10)
            }
        }
        // HELO drops the sender given before it, so the RCPT after it is out of order.
        let codes = try #require(replies).split(separator: "\r\n").filter { $0.count >= 4 && $0.dropFirst(3).first == " " }.map { String($0.prefix(3)) }
        #expect(codes == ["220", "503", "503", "502", "250", "250", "503", "250", "354", "250", "250", "250", "503", "250", "250", "221"])
    }

    @Test func refusesAMessageOverItsSizeAndStaysUsable() async throws {
        let counts = try await SMTPSimulator.withRunning { smtp in
            let port = try #require(URLComponents(string: smtp.url)?.port)
            let line = String(repeating: "x", count: 998) + "\r\n"
            let replies = try await OffPool.run { () -> String? in
                let connection = try RawConnection(port: port)
                connection.send("EHLO c\r\nMAIL FROM:<s@example.bh>\r\nRCPT TO:<a@example.bh>\r\nDATA\r\n")
                for _ in 0..<(SMTPSession.maximumMessage / 1000 + 10) { connection.send(line) }
                connection.send(".\r\nMAIL FROM:<s@example.bh>\r\nQUIT\r\n")
                return connection.readUntilClosed(timeout: 20)
            }
            #expect(try #require(replies).contains("552 5.3.4"))
            #expect(try #require(replies).contains("250 2.1.0"), "the session goes on after the refusal")
            return smtp.counts
        }
        #expect(counts.accepted == 0)
    }
}
