import NotifyCore

/// The body of PUT /v1/me/contact.
struct ContactRequest: Decodable {
    static let fields: Set<String> = ["name", "phone", "email", "language"]

    var name: String?
    var phone: String?
    var email: String?
    var language: String

    /// The new contact; a changed phone or email loses its verification.
    func contact(for cpr: CPR, previous: Contact?) throws -> Contact {
        var problems: [FieldError] = []
        var contact = Contact(cpr: cpr)
        if let name {
            // Code points, as the document's maxLength counts them (a character can be several).
            if name.unicodeScalars.count > 200 || name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
                problems.append(FieldError(field: "name", detail: "must be at most 200 characters with no control characters"))
            } else if !name.isEmpty {
                contact.name = name
            }
        }
        if let phone {
            do { contact.phone = try PhoneNumber(phone) } catch { problems += error.fields }
        }
        if let email {
            do { contact.email = try EmailAddress(email) } catch { problems += error.fields }
        }
        if let lang = Language(rawValue: language) { contact.language = lang } else {
            problems.append(FieldError(field: "language", detail: "must be \"ar\" or \"en\""))
        }
        guard problems.isEmpty else { throw NotifyError.invalid(problems) }
        if let previous {
            if contact.phone != nil, contact.phone == previous.phone, previous.verified.contains(.sms) { contact.verified.insert(.sms) }
            if contact.email != nil, contact.email == previous.email, previous.verified.contains(.email) { contact.verified.insert(.email) }
        }
        return contact
    }
}
