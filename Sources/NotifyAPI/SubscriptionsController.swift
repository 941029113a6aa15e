import Foundation
import Hummingbird
import NotifyCore
import NotifyStore

/// GET/PUT /v1/me/subscriptions and GET /v1/me/consents.
struct SubscriptionsController {
    let subscriptions: SubscriptionStore
    let ledger: ConsentLedger
    let contacts: ContactStore
    let catalogue: EventCatalogue

    func register(on group: RouterGroup<AppRequestContext>) {
        group.get("subscriptions", use: show)
        group.put("subscriptions", use: update)
        group.get("consents", use: consents)
    }

    struct CategoryView: Encodable, Sendable {
        let mandatory: Bool
        let sms: Bool
        let email: Bool
        let push: Bool
    }

    struct View: Encodable, Sendable {
        let categories: [String: CategoryView]
        let quietHours: MeController.QuietHoursView?
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> JSONResponse<View> {
        let cpr = try context.requireResident()
        let subs = try await subscriptions.load(cpr)
        let quiet = try await contacts.load(cpr)?.quietHours
        return JSONResponse(View(categories: Self.view(subs, catalogue: catalogue), quietHours: quiet.map(MeController.QuietHoursView.init)))
    }

    @Sendable func update(_ request: Request, context: AppRequestContext) async throws -> JSONResponse<View> {
        let cpr = try context.requireResident()
        let body = try await JSONBody.decode(SubscriptionsRequest.self, from: request, allowed: SubscriptionsRequest.fields, maxBytes: 16 << 10)
        let choices = try body.choices()
        let quiet = try body.quiet()
        // Registration records the default consents; choices before it would be followed by defaults.
        guard var contact = try await contacts.load(cpr) else {
            throw NotifyError.notFound("no contact details registered yet; PUT /v1/me/contact first")
        }
        // Validate everything before writing anything: apply() checks the categories against the catalogue.
        var check = try await subscriptions.load(cpr)
        _ = try check.apply(choices, catalogue: catalogue, source: .resident, at: Date())
        let subs = try await subscriptions.apply(cpr, choices, catalogue: catalogue, source: .resident)
        if let quiet {
            contact.quietHours = quiet
            try await contacts.save(contact)
        }
        return JSONResponse(View(categories: Self.view(subs, catalogue: catalogue), quietHours: contact.quietHours.map(MeController.QuietHoursView.init)))
    }

    struct ConsentView: Encodable, Sendable {
        let at: Date
        let category: String
        let channel: String?
        let granted: Bool
        let source: String
    }

    struct Consents: Encodable, Sendable {
        let items: [ConsentView]
    }

    @Sendable func consents(_ request: Request, context: AppRequestContext) async throws -> JSONResponse<Consents> {
        let cpr = try context.requireResident()
        let items = try await ledger.entries(cpr).map {
            ConsentView(at: $0.at, category: $0.category, channel: $0.channel?.rawValue, granted: $0.granted, source: $0.source.rawValue)
        }
        return JSONResponse(Consents(items: items))
    }

    static func view(_ subs: Subscriptions, catalogue: EventCatalogue) -> [String: CategoryView] {
        catalogue.categories.mapValues { c in
            CategoryView(mandatory: c.mandatory, sms: subs.allows(c, on: .sms), email: subs.allows(c, on: .email), push: subs.allows(c, on: .push))
        }
    }
}
