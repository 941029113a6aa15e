import Foundation
import NotifyCore
import NotifyStore

/// A failure filter from query parameters or a bulk replay body, every bad part named.
struct FailureFilterInput: Decodable, Sendable {
    let channel: String?
    let eventType: String?
    let since: String?

    func parse(catalogue: EventCatalogue, problems: inout [FieldError], prefix: String = "") -> FailureFilter {
        Self.parse(channel: channel, eventType: eventType, since: since, catalogue: catalogue, problems: &problems, prefix: prefix)
    }

    static func parse(channel: String?, eventType: String?, since: String?, catalogue: EventCatalogue, problems: inout [FieldError],
                      prefix: String = "") -> FailureFilter {
        var filter = FailureFilter()
        if let channel {
            filter.channel = Channel(rawValue: channel)
            if filter.channel == nil { problems.append(FieldError(field: prefix + "channel", detail: "must be sms, email or push")) }
        }
        if let eventType {
            if catalogue.events[eventType] == nil {
                problems.append(FieldError(field: prefix + "eventType", detail: "is not an event type in the catalogue"))
            }
            filter.eventType = eventType
        }
        if let since {
            filter.since = ISOTime.parse(since)
            if filter.since == nil { problems.append(FieldError(field: prefix + "since", detail: "must be an RFC 3339 time such as 2026-11-23T08:00:00Z")) }
        }
        return filter
    }
}
