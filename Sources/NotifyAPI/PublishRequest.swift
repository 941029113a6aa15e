import Foundation
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

    /// Checks the request against the catalogue and templates; every problem names its field.
    func validated(entity: String, catalogue: EventCatalogue, templates: TemplateSet, now: Date) throws -> (EventDefinition, [CPR]) {
        let definition = try catalogue.definition(of: type)
        var problems: [FieldError] = []
        if let reference, reference.isEmpty || reference.count > 128 {
            problems.append(FieldError(field: "reference", detail: "must be 1 to 128 characters"))
        }
        var cprs: [CPR] = []
        switch (recipients, topic) {
        case (nil, nil), (_?, _?):
            problems.append(FieldError(field: "recipients", detail: "give either a list of CPR numbers or a topic"))
        case (nil, _?):
            problems.append(FieldError(field: "topic", detail: definition.topics
                ? "publishing to a topic is not available yet; give recipients"
                : "event type '\(type)' may not be published to a topic"))
        case (let list?, nil):
            if list.isEmpty || list.count > Self.maxRecipients {
                problems.append(FieldError(field: "recipients", detail: "must list 1 to \(Self.maxRecipients) CPR numbers"))
            }
            var seen = Set<String>()
            for (i, raw) in list.enumerated() where seen.insert(raw).inserted {
                do { cprs.append(try CPR(raw, field: "recipients[\(i)]")) } catch { problems += error.fields }
                if problems.count >= 20 { break }
            }
        }
        let data = self.data ?? [:]
        for name in templates.variables(of: type).sorted() where data[name] == nil {
            problems.append(FieldError(field: "data.\(name)", detail: "is required by the \(type) templates"))
        }
        if sendAt != nil {
            problems.append(FieldError(field: "sendAt", detail: "scheduled sending is not available yet; omit sendAt to send now"))
        }
        guard problems.isEmpty else { throw NotifyError.invalid(problems) }
        return (definition, cprs)
    }
}
