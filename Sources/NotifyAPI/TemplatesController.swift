import Hummingbird
import NotifyCore

/// POST /v1/templates/{eventType}/preview: what a resident would read, and what an SMS would cost.
struct TemplatesController {
    let catalogue: EventCatalogue
    let templates: TemplateSet

    func register(on group: RouterGroup<AppRequestContext>) {
        group.post("templates/:eventType/preview", use: preview)
    }

    struct SMSFigures: Encodable, Sendable {
        let encoding: String
        let segments: Int
        let characters: Int
    }

    struct Preview: Encodable, Sendable {
        let subject: String?
        let body: String
        let html: String?
        let sms: SMSFigures?
    }

    @Sendable func preview(_ request: Request, context: AppRequestContext) async throws -> JSONResponse<Preview> {
        let entity = try context.requireEntity()
        let type = context.parameters.get("eventType") ?? ""
        guard let definition = catalogue.events[type] else { throw NotifyError.notFound("no event type '\(type.prefix(64))'") }
        guard entity.allows(type) else { throw NotifyError.forbidden("this API key may not publish '\(type)' events") }
        let body = try await JSONBody.decode(PreviewRequest.self, from: request, allowed: PreviewRequest.fields, maxBytes: 256 << 10)
        let (language, channel, data) = try body.validated(definition, templates: templates)
        let message = try templates.render(eventType: type, language: language, channel: channel, data: data)
        let sms = channel == .sms ? SMSEncoding(message.body) : nil
        return JSONResponse(Preview(subject: message.subject, body: message.body, html: message.html,
                                    sms: sms.map { SMSFigures(encoding: $0.alphabet.rawValue, segments: $0.segments, characters: $0.characters) }))
    }
}
