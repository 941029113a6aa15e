/// One SMTP submission: envelope sender, envelope recipients and the message bytes.
public struct SMTPEnvelope: Sendable {
    /// Bare address for MAIL FROM, e.g. `no-reply@notify.gov.bh` (empty for a null sender).
    public var from: String
    /// Bare addresses for RCPT TO.
    public var recipients: [String]
    /// The full RFC 5322 message with CRLF line endings (see ``MailMessage/render()``).
    public var message: [UInt8]

    /// Creates an envelope.
    public init(from: String, recipients: [String], message: [UInt8]) {
        self.from = from
        self.recipients = recipients
        self.message = message
    }

    /// The envelope for a ``MailMessage``: bare sender and recipient addresses plus the rendered bytes.
    public init(_ mail: MailMessage) {
        self.init(
            from: MailAddress(mail.from).address,
            recipients: mail.to.map { MailAddress($0).address },
            message: mail.render()
        )
    }
}
