import Foundation
import Hummingbird
import NotifyCore
import NotifyStore

/// One-click unsubscribe (RFC 8058) from the links in email for optional categories. POST unsubscribes;
/// GET only shows a button, since mail scanners follow links and must not unsubscribe anyone.
struct UnsubscribeController {
    let links: UnsubscribeLinks
    let subscriptions: SubscriptionStore
    let contacts: ContactStore
    let catalogue: EventCatalogue

    func register(on router: Router<AppRequestContext>) {
        router.get("v1/unsubscribe/:token", use: page)
        router.post("v1/unsubscribe/:token", use: unsubscribe)
    }

    struct Done: Encodable, Sendable {
        let category: String
        let channel: Channel
        let subscribed: Bool
    }

    @Sendable func unsubscribe(_ request: Request, context: AppRequestContext) async throws -> JSONResponse<Done> {
        let (cpr, category, channel) = try open(context)
        guard try await contacts.load(cpr) != nil else { throw NotifyError.notFound("this link is no longer valid") }
        _ = try await subscriptions.apply(cpr, [category: [channel: false]], catalogue: catalogue, source: .resident)
        return JSONResponse(Done(category: category, channel: channel, subscribed: false))
    }

    @Sendable func page(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (_, category, channel) = try open(context)
        let token = context.parameters.get("token") ?? ""
        let html = """
            <!doctype html><html><head><meta charset="utf-8"><title>Unsubscribe</title></head><body>
            <form method="post" action="/v1/unsubscribe/\(token)"><p>Stop \(channel.rawValue) messages about \(category)?</p>
            <button type="submit">Unsubscribe</button></form></body></html>
            """
        return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    private func open(_ context: AppRequestContext) throws -> (CPR, String, Channel) {
        guard let token = context.parameters.get("token"), let opened = links.open(token),
              let cat = catalogue.categories[opened.category], !cat.mandatory else {
            throw NotifyError.notFound("this link is not valid")
        }
        return (opened.cpr, opened.category, opened.channel)
    }
}
