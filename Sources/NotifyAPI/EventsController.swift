import Foundation
import Hummingbird
import NotifyConfig
import NotifyCore
import NotifyStore
import Metrics

/// POST /v1/events and GET /v1/events/{id}.
struct EventsController {
    let events: EventStore
    let idempotency: IdempotencyStore
    let catalogue: EventCatalogue
    let templates: TemplateSet
    let limits: NotifyConfiguration.Publishing

    func register(on group: RouterGroup<AppRequestContext>) {
        group.post("events", use: publish)
        group.get("events/:id", use: show)
    }

    struct Accepted: Encodable, Sendable {
        let id: String
        let status: String
    }

    @Sendable func publish(_ request: Request, context: AppRequestContext) async throws -> JSONResponse<Accepted> {
        let entity = try context.requireEntity()
        let (body, bytes) = try await JSONBody.decodeWithBytes(PublishRequest.self, from: request, allowed: PublishRequest.fields, maxBytes: 2 << 20)
        let now = Date()
        // Scope first: a caller learns nothing about another ministry's event types from validation errors.
        if catalogue.events[body.type] != nil && !entity.allows(body.type) {
            throw NotifyError.forbidden("this API key may not publish '\(body.type)' events")
        }
        let valid = try body.validated(catalogue: catalogue, templates: templates, limits: limits, now: now)
        var eventId = Digest.randomID(prefix: "evt_")
        if let key = request.headers[.idempotencyKey] {
            switch try await idempotency.reserve(entity: entity.entity, key: key, bodyHash: Digest.sha256Hex(bytes), eventId: eventId) {
            case .reserved: break
            case .replay(let existing): eventId = existing
            case .mismatch: throw NotifyError.invalid("Idempotency-Key", "was already used with a different request body")
            }
        }
        let event = Event(id: eventId, type: body.type, entity: entity.entity, reference: body.reference, recipients: valid.recipients,
                          topic: valid.topic, data: body.data ?? [:], sendAt: valid.sendAt, priority: body.priority ?? valid.definition.priority,
                          createdAt: now)
        // Publishing again under a replayed key is a no-op unless a crash left it half done.
        try await events.publish(event, now: now)
        Counter(label: "notifyme_events_accepted_total", dimensions: [("type", event.type)]).increment()
        return JSONResponse(.accepted, Accepted(id: eventId, status: "accepted"))
    }

    struct Shown: Encodable, Sendable {
        let id: String
        let type: String
        let status: String
        let reference: String?
        let topic: String?
        let sendAt: Date?
        let recipients: Int
        let counts: [String: Int]
        let createdAt: Date
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> JSONResponse<Shown> {
        let entity = try context.requireEntity()
        let id = context.parameters.get("id") ?? ""
        guard let fields = try await events.summary(id), fields["entity"] == entity.entity else {
            throw NotifyError.notFound("no event \(id.prefix(64))")
        }
        // Past the retention the body (data, recipients) is gone; the counts remain.
        let e = try await events.loadFields(id)?.event
        let counts = ["queued", "sent", "delivered", "failed", "suppressed", "expired"].reduce(into: [String: Int]()) { acc, name in
            acc[name] = fields["count:\(name)"].flatMap(Int.init) ?? 0
        }
        // A topic's size is known only as fan-out walks it.
        let recipients = e?.recipients?.count ?? fields["recipients"].flatMap(Int.init) ?? 0
        let created = Date(timeIntervalSince1970: TimeInterval(fields["createdAt"].flatMap(Int.init) ?? 0))
        return JSONResponse(Shown(id: id, type: fields["type"] ?? e?.type ?? "", status: fields["status"] ?? "accepted",
                                  reference: fields["reference"], topic: e?.topic, sendAt: e?.sendAt, recipients: recipients, counts: counts,
                                  createdAt: e?.createdAt ?? created))
    }
}
