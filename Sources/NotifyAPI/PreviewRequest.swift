import NotifyCore

/// The body of POST /v1/templates/{eventType}/preview.
struct PreviewRequest: Decodable {
    static let fields: Set<String> = ["data", "language", "channel"]

    var data: [String: JSONValue]?
    var language: String
    var channel: String

    /// The language and channel, checked against the event type's catalogue entry.
    func validated(_ definition: EventDefinition, templates: TemplateSet) throws -> (Language, Channel, [String: JSONValue]) {
        var problems: [FieldError] = []
        let lang = Language(rawValue: language)
        if lang == nil { problems.append(FieldError(field: "language", detail: "must be ar or en")) }
        let ch = Channel(rawValue: channel)
        if let ch, !definition.channels.contains(ch) {
            problems.append(FieldError(field: "channel", detail: "\(definition.type) is not sent by \(ch.rawValue)"))
        } else if ch == nil {
            problems.append(FieldError(field: "channel", detail: "must be sms, email or push"))
        }
        let data = self.data ?? [:]
        for name in templates.variables(of: definition.type).sorted() where data[name] == nil {
            problems.append(FieldError(field: "data.\(name)", detail: "is required by the \(definition.type) templates"))
        }
        guard problems.isEmpty, let lang, let ch else { throw NotifyError.invalid(problems) }
        return (lang, ch, data)
    }
}
