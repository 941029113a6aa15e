import Foundation
import Hummingbird
import NotifyCore
import NotifyStore

/// The resident's own record: contact details, their verification, the whole view, and erasure.
struct MeController {
    let contacts: ContactStore
    let registration: ContactRegistration
    let subscriptions: SubscriptionStore
    let devices: DeviceStore
    let eraser: ResidentEraser
    let catalogue: EventCatalogue

    func register(on group: RouterGroup<AppRequestContext>) {
        group.put("contact", use: putContact)
        group.post("contact/verify", use: verify)
        group.get("", use: show)
        group.delete("", use: erase)
    }

    struct ContactView: Encodable, Sendable {
        let cpr: String
        let name: String?
        let phone: String?
        let email: String?
        let language: String
        let verified: [String: Bool]
    }

    @Sendable func putContact(_ request: Request, context: AppRequestContext) async throws -> JSONResponse<ContactView> {
        let cpr = try context.requireResident()
        let body = try await JSONBody.decode(ContactRequest.self, from: request, allowed: ContactRequest.fields, maxBytes: 16 << 10)
        return JSONResponse(Self.view(try await registration.register(cpr, request: body)))
    }

    @Sendable func verify(_ request: Request, context: AppRequestContext) async throws -> JSONResponse<ContactView> {
        let cpr = try context.requireResident()
        let body = try await JSONBody.decode(VerifyRequest.self, from: request, allowed: VerifyRequest.fields, maxBytes: 1024)
        return JSONResponse(Self.view(try await registration.verify(cpr, channel: try body.validatedChannel(), code: body.code)))
    }

    /// The contact's fields and the rest side by side in one flat object, as API.md has it.
    struct Me: Encodable, Sendable {
        let contact: ContactView
        let devices: [DeviceView]
        let subscriptions: [String: SubscriptionsController.CategoryView]
        let quietHours: QuietHoursView?

        private enum Keys: String, CodingKey { case devices, subscriptions, quietHours }

        func encode(to encoder: any Encoder) throws {
            try contact.encode(to: encoder)
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(devices, forKey: .devices)
            try c.encode(subscriptions, forKey: .subscriptions)
            try c.encodeIfPresent(quietHours, forKey: .quietHours)
        }
    }

    struct DeviceView: Encodable, Sendable {
        let id: String
        let platform: String
        let hint: String
        let createdAt: Date
    }

    struct QuietHoursView: Encodable, Sendable {
        let start: String
        let end: String
        let timeZone: String

        init(_ q: QuietHours) {
            start = q.startText
            end = q.endText
            timeZone = q.timeZone
        }
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> JSONResponse<Me> {
        let cpr = try context.requireResident()
        guard let c = try await contacts.load(cpr) else {
            throw NotifyError.notFound("no contact details registered yet; PUT /v1/me/contact first")
        }
        let subs = try await subscriptions.load(cpr)
        let devs = try await devices.list(cpr).map { DeviceView(id: $0.id, platform: $0.platform.rawValue, hint: $0.hint, createdAt: $0.createdAt) }
        return JSONResponse(Me(contact: Self.view(c), devices: devs, subscriptions: SubscriptionsController.view(subs, catalogue: catalogue),
                               quietHours: c.quietHours.map(QuietHoursView.init)))
    }

    @Sendable func erase(_ request: Request, context: AppRequestContext) async throws -> Response {
        let cpr = try context.requireResident()
        let suppressed = try await eraser.erase(cpr)
        context.logger.info("resident erased their data", metadata: ["suppressed": "\(suppressed)"])
        return Response(status: .noContent)
    }

    static func view(_ c: Contact) -> ContactView {
        ContactView(cpr: c.cpr.value, name: c.name, phone: c.phone?.e164, email: c.email?.value, language: c.language.rawValue,
                    verified: ["sms": c.verified.contains(.sms), "email": c.verified.contains(.email)])
    }
}
