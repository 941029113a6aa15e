import Transport

/// Where an email goes: an SMTP server, or the local outbox.
public protocol EmailSender: Sendable {
    /// Delivers `message` to `recipient`; throws a transport error when it was not accepted.
    func send(_ message: MailMessage, from envelopeSender: String, to recipient: String) async throws
}
