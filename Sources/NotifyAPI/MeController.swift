import Hummingbird
import NotifyCore
import NotifyStore

/// The resident's own record: PUT /v1/me/contact and GET /v1/me.
struct MeController {
    let contacts: ContactStore

    func register(on group: RouterGroup<AppRequestContext>) {
        group.put("contact", use: putContact)
        group.get("", use: show)
    }

    struct Me: Encodable, Sendable {
        let cpr: String
        let name: String?
        let phone: String?
        let email: String?
        let language: String
        let verified: [String: Bool]
    }

    @Sendable func putContact(_ request: Request, context: AppRequestContext) async throws -> JSONResponse<Me> {
        let cpr = try context.requireResident()
        let body = try await JSONBody.decode(ContactRequest.self, from: request, allowed: ContactRequest.fields, maxBytes: 16 << 10)
        let previous = try await contacts.load(cpr)
        let contact = try body.contact(for: cpr, previous: previous)
        try await contacts.save(contact)
        return JSONResponse(.ok, Self.me(contact))
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> JSONResponse<Me> {
        let cpr = try context.requireResident()
        guard let contact = try await contacts.load(cpr) else {
            throw NotifyError.notFound("no contact details registered yet; PUT /v1/me/contact first")
        }
        return JSONResponse(.ok, Self.me(contact))
    }

    static func me(_ c: Contact) -> Me {
        Me(cpr: c.cpr.value, name: c.name, phone: c.phone?.e164, email: c.email?.value, language: c.language.rawValue,
           verified: ["sms": c.verified.contains(.sms), "email": c.verified.contains(.email)])
    }
}
