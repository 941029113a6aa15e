import Hummingbird
import NotifyCore
import NotifyStore

/// GET /v1/me/topics, PUT and DELETE /v1/me/topics/{name}: the broadcast lists a resident follows.
struct TopicsController {
    let topics: TopicStore
    let contacts: ContactStore
    let catalogue: EventCatalogue

    func register(on group: RouterGroup<AppRequestContext>) {
        group.get("topics", use: list)
        group.put("topics/:name", use: join)
        group.delete("topics/:name", use: leave)
    }

    struct Item: Encodable, Sendable {
        let name: String
        let description: String
        let subscribed: Bool
    }

    struct List: Encodable, Sendable {
        let items: [Item]
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> JSONResponse<List> {
        let cpr = try context.requireResident()
        let mine = Set(try await topics.topics(of: cpr))
        let items = catalogue.topics.values.sorted { $0.name < $1.name }.map {
            Item(name: $0.name, description: $0.description, subscribed: mine.contains($0.name))
        }
        return JSONResponse(List(items: items))
    }

    @Sendable func join(_ request: Request, context: AppRequestContext) async throws -> JSONResponse<Item> {
        let cpr = try context.requireResident()
        let topic = try known(context)
        // Fan-out reaches residents through their contact details: a topic without them would only collect suppressions.
        guard try await contacts.load(cpr) != nil else {
            throw NotifyError.notFound("no contact details registered yet; PUT /v1/me/contact first")
        }
        try await topics.subscribe(cpr, to: topic.name)
        return JSONResponse(Item(name: topic.name, description: topic.description, subscribed: true))
    }

    @Sendable func leave(_ request: Request, context: AppRequestContext) async throws -> Response {
        let cpr = try context.requireResident()
        try await topics.unsubscribe(cpr, from: try known(context).name)
        return Response(status: .noContent)
    }

    private func known(_ context: AppRequestContext) throws -> Topic {
        let name = context.parameters.get("name") ?? ""
        guard let topic = catalogue.topics[name] else { throw NotifyError.notFound("no topic '\(name.prefix(100))'") }
        return topic
    }
}
