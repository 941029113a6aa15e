import Mustache

/// Every template, parsed once; renders messages for an event, a language and a channel.
///
/// An email template's text starts with a `Subject: ...` line and a blank line.
public struct TemplateSet: Sendable {
    private struct Compiled: Sendable {
        let template: MustacheTemplate
        let subject: MustacheTemplate?
        let variables: Set<String>
    }

    private let compiled: [TemplateKey: Compiled]

    /// Parses `sources` (template text by key); a syntax error names the template.
    public init(sources: [TemplateKey: String]) throws(NotifyError) {
        var compiled: [TemplateKey: Compiled] = [:]
        for (key, source) in sources {
            var body = source
            var subject: MustacheTemplate?
            var variables = TemplateVariables.names(in: source)
            if key.channel == .email && key.part == .text {
                guard let split = Self.splitSubject(source) else {
                    throw .invalid("templates.\(key)", "an email template must start with a 'Subject: ...' line")
                }
                subject = try Self.parse(split.subject, key: key, html: false)
                body = split.body
                variables.formUnion(TemplateVariables.names(in: split.subject))
            }
            compiled[key] = Compiled(template: try Self.parse(body, key: key, html: key.part == .html), subject: subject, variables: variables)
        }
        self.compiled = compiled
    }

    /// Whether a template exists for this event type, language and channel.
    public func has(eventType: String, language: Language, channel: Channel, part: TemplateKey.Part = .text) -> Bool {
        compiled[TemplateKey(eventType: eventType, language: language, channel: channel, part: part)] != nil
    }

    /// The top-level data names the event type's templates use.
    public func variables(of eventType: String) -> Set<String> {
        compiled.reduce(into: Set<String>()) { acc, entry in
            if entry.key.eventType == eventType { acc.formUnion(entry.value.variables) }
        }
    }

    /// Renders the message; throws when the event type has no template for the language and channel.
    public func render(eventType: String, language: Language, channel: Channel, data: [String: JSONValue]) throws(NotifyError) -> RenderedMessage {
        let key = TemplateKey(eventType: eventType, language: language, channel: channel)
        guard let text = compiled[key] else {
            throw .invalid("type", "no \(language.rawValue) \(channel.rawValue) template for '\(eventType)'")
        }
        let context = data.mapValues(\.templateValue)
        let html = compiled[TemplateKey(eventType: eventType, language: language, channel: channel, part: .html)]
        return RenderedMessage(
            subject: text.subject.map { Self.trimmed($0.render(context)) },
            body: Self.trimmed(text.template.render(context)),
            html: html.map { $0.template.render(context) }
        )
    }

    private static func parse(_ source: String, key: TemplateKey, html: Bool) throws(NotifyError) -> MustacheTemplate {
        do {
            // Text and SMS must not be HTML-escaped; the HTML part must be.
            return try MustacheTemplate(string: html ? source : "{{% CONTENT_TYPE: TEXT}}" + source)
        } catch {
            throw .invalid("templates.\(key)", "template does not parse: \(error)")
        }
    }

    private static func splitSubject(_ source: String) -> (subject: String, body: String)? {
        guard let newline = source.firstIndex(of: "\n") else { return nil }
        let first = source[..<newline]
        guard first.lowercased().hasPrefix("subject:") else { return nil }
        let subject = first.dropFirst("subject:".count)
        return (String(subject), String(source[source.index(after: newline)...]))
    }

    private static func trimmed(_ s: String) -> String { s.trimmingASCIIWhitespace() }
}
