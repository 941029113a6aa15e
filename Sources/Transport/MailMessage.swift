import Foundation

/// Builds an RFC 5322 / MIME message. Pure (no I/O); ``render()`` produces the bytes.
public struct MailMessage: Sendable {
    /// The author, optionally with a display name: `NotifyMe <no-reply@notify.gov.bh>`.
    public var from: String
    /// Recipients for the `To` header, each a bare address or `Name <address>`.
    public var to: [String]
    /// The subject; non-ASCII text is sent as RFC 2047 encoded-words.
    public var subject: String
    /// The plain-text body.
    public var textBody: String
    /// An HTML alternative; when set the message is `multipart/alternative`.
    public var htmlBody: String?
    /// The `Message-ID`, including angle brackets: `<id@domain>`.
    public var messageID: String
    /// The `Date` header.
    public var date: Date
    /// Further headers, e.g. `List-Unsubscribe`, `List-Unsubscribe-Post`, `X-NotificationRecord-Id`.
    /// Headers the message sets itself (From, To, Subject, Date, Message-ID, MIME-Version,
    /// Content-*) are ignored here.
    public var extraHeaders: [HTTPHeader]

    /// Creates a message. A nil `messageID` gets a random one in the sender's domain.
    public init(
        from: String,
        to: [String],
        subject: String,
        textBody: String,
        htmlBody: String? = nil,
        messageID: String? = nil,
        date: Date = Date(),
        extraHeaders: [HTTPHeader] = []
    ) {
        self.from = from
        self.to = to
        self.subject = subject
        self.textBody = textBody
        self.htmlBody = htmlBody
        self.messageID = messageID ?? {
            let domain = MailAddress(from).domain
            return "<\(UUID.random().uuidString.lowercased())@\(domain.isEmpty ? "localhost" : domain)>"
        }()
        self.date = date
        self.extraHeaders = extraHeaders
    }
}
