import Foundation
import NotifyConfig
import NotifyCore

/// The body of POST /v1/events.
struct PublishRequest: Decodable {
    static let fields: Set<String> = ["type", "reference", "recipients", "topic", "data", "sendAt", "priority"]
    static let maxRecipients = 10_000

    var type: String
    var reference: String?
    var recipients: [String]?
    var topic: String?
    var data: [String: JSONValue]?
    var sendAt: String?
    var priority: Priority?

    /// What a valid request resolves to.
    struct Valid {
        let definition: EventDefinition
        let recipients: [CPR]?
        let topic: String?
        let sendAt: Date?
    }

    /// Checks the request against the catalogue, the templates and the publishing limits; every problem names its field.
    func validated(catalogue: EventCatalogue, templates: TemplateSet, limits: NotifyConfiguration.Publishing, now: Date) throws -> Valid {
        let definition = try catalogue.definition(of: type)
        var problems: [FieldError] = []
        // Code points, as the schema's maxLength counts them (Swift's `count` counts grapheme clusters).
        if let reference, reference.isEmpty || reference.unicodeScalars.count > 128 {
            problems.append(FieldError(field: "reference", detail: "must be 1 to 128 characters"))
        }
        var cprs: [CPR]?
        switch (recipients, topic) {
        case (nil, nil), (_?, _?):
            problems.append(FieldError(field: "recipients", detail: "give either a list of CPR numbers or a topic"))
        case (nil, let name?):
            if !definition.topics {
                problems.append(FieldError(field: "topic", detail: "event type '\(type)' may not be published to a topic"))
            } else if catalogue.topics[name] == nil {
                problems.append(FieldError(field: "topic", detail: "unknown topic '\(name.prefix(100))'"))
            }
        case (let list?, nil):
            cprs = Self.recipients(list, problems: &problems)
        }
        let data = self.data ?? [:]
        let missing = templates.variables(of: type).sorted().filter { data[$0] == nil }
        problems += missing.map { FieldError(field: "data.\($0)", detail: "is required by the \(type) templates") }
        if missing.isEmpty { problems += Self.smsLength(definition, data: data, templates: templates, limit: limits.smsMaxSegments) }
        let at = sendAt.flatMap { Self.schedule($0, now: now, ahead: limits.maxScheduleAhead, problems: &problems) }
        guard problems.isEmpty else { throw NotifyError.invalid(problems) }
        return Valid(definition: definition, recipients: cprs, topic: topic, sendAt: at)
    }

    private static func recipients(_ list: [String], problems: inout [FieldError]) -> [CPR] {
        if list.isEmpty || list.count > maxRecipients {
            problems.append(FieldError(field: "recipients", detail: "must list 1 to \(maxRecipients) CPR numbers"))
        }
        var cprs: [CPR] = []
        var seen = Set<String>()
        for (i, raw) in list.enumerated() where seen.insert(raw).inserted {
            do { cprs.append(try CPR(raw, field: "recipients[\(i)]")) } catch { problems += error.fields }
            if problems.count >= 20 { break }
        }
        return cprs
    }

    /// Every language's SMS must fit the configured number of parts.
    private static func smsLength(_ definition: EventDefinition, data: [String: JSONValue], templates: TemplateSet, limit: Int) -> [FieldError] {
        guard definition.channels.contains(.sms) else { return [] }
        return Language.allCases.compactMap { language in
            guard let body = try? templates.render(eventType: definition.type, language: language, channel: .sms, data: data).body else { return nil }
            let sms = SMSEncoding(body)
            guard sms.segments > limit else { return nil }
            return FieldError(field: "data", detail: "the \(language.rawValue) SMS would take \(sms.segments) parts (\(sms.characters) \(sms.alphabet.rawValue) characters); at most \(limit) are allowed")
        }
    }

    /// A future time within the allowed horizon, or a problem.
    private static func schedule(_ text: String, now: Date, ahead: Duration, problems: inout [FieldError]) -> Date? {
        guard let at = ISOTime.parse(text) else {
            problems.append(FieldError(field: "sendAt", detail: "must be a date and time with its offset, as 2026-12-01T08:00:00+03:00"))
            return nil
        }
        // A little slack for the caller's clock: a time just now means "send now".
        if at < now.addingTimeInterval(-5) {
            problems.append(FieldError(field: "sendAt", detail: "is in the past"))
            return nil
        }
        if at > now.addingTimeInterval(TimeInterval(ahead.components.seconds)) {
            problems.append(FieldError(field: "sendAt", detail: "may be at most \(ahead.components.seconds / 86_400) days ahead"))
            return nil
        }
        return at
    }
}
