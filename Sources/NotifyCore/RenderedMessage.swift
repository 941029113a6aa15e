/// A message ready to send: what the resident will read.
public struct RenderedMessage: Sendable, Equatable, Codable {
    /// Email subject; nil for SMS and push.
    public var subject: String?
    /// Plain text body (SMS text, push body, email text part).
    public var body: String
    /// Email HTML part, when the template has one.
    public var html: String?

    public init(subject: String? = nil, body: String, html: String? = nil) {
        self.subject = subject
        self.body = body
        self.html = html
    }
}
