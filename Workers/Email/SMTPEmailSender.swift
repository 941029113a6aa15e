import Transport

/// Submits email to an SMTP server through the shared libcurl transport.
public struct SMTPEmailSender: EmailSender {
    let transport: CurlTransport
    let server: SMTPServer

    public init(transport: CurlTransport, server: SMTPServer) {
        self.transport = transport
        self.server = server
    }

    public func send(_ message: MailMessage, from envelopeSender: String, to recipient: String) async throws {
        try await transport.send(SMTPEnvelope(from: envelopeSender, recipients: [recipient], message: message.render()), via: server)
    }
}
