import NotifyCore

/// One event's messages by language and channel, each rendered once. An event's text is the same for every
/// recipient (templates see only the event's data), so a batch of thousands needs at most one rendering per
/// language and channel; rendering per recipient was an eighth of fan-out's CPU.
///
/// Not Sendable: one batch's planning uses it, on one task.
final class RenderedMessages {
    private struct Key: Hashable {
        let language: Language
        let channel: Channel
    }

    private let templates: TemplateSet
    private let event: Event
    private var rendered: [Key: Result<RenderedMessage, NotifyError>] = [:]

    init(templates: TemplateSet, event: Event) {
        self.templates = templates
        self.event = event
    }

    /// The message for `language` and `channel`, or the error rendering it gave the first time.
    func message(language: Language, channel: Channel) throws(NotifyError) -> RenderedMessage {
        let key = Key(language: language, channel: channel)
        if let known = rendered[key] { return try known.get() }
        let result = Result { () throws(NotifyError) in
            try templates.render(eventType: event.type, language: language, channel: channel, data: event.data)
        }
        rendered[key] = result
        return try result.get()
    }
}
