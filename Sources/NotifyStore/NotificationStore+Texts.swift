import NotifyCore
import Redis

extension NotificationStore {
    /// Writes the records' texts under their events (``EventMessages``) and returns the name each record gives its own
    /// (nil for a record without one). A batch's records share a few texts: each is digested and written once.
    func writeTexts(_ notifications: [NotificationRecord]) async throws -> [String?] {
        var byEvent: [String: [String: RenderedMessage]] = [:]
        var known: [TextKey: (message: RenderedMessage, reference: String)] = [:]
        let references = notifications.map { n -> String? in
            guard let m = n.message else { return nil }
            let key = TextKey(eventId: n.eventId, language: n.language, channel: n.channel)
            // The same strings for a whole batch (fan-out renders once per language and channel): compared in O(1).
            if let k = known[key], k.message == m { return k.reference }
            let reference = EventMessages.reference(language: n.language, channel: n.channel, message: m)
            known[key] = (m, reference)
            byEvent[n.eventId, default: [:]][reference] = m
            return reference
        }
        guard !byEvent.isEmpty else { return references }
        // A day past the records' own retention, counted from this batch: no record outlives its text.
        let seconds = Int(retention.components.seconds) + 86_400
        let replies = try await redis.pipeline(byEvent.flatMap { EventMessages.writeCommands(eventId: $0.key, $0.value, seconds: seconds) })
        try StoreError.check(replies, "event texts")
        return references
    }

    /// What a batch's records with the same text share (no string built for each of a million records).
    private struct TextKey: Hashable {
        let eventId: String
        let language: Language
        let channel: Channel
    }

    /// The texts that `records` name instead of holding, read in one round trip (or from memory).
    func texts(of records: [(notification: NotificationRecord, fields: [String: String])?]) async throws -> [EventMessages.Name: RenderedMessage] {
        var names = Set<EventMessages.Name>()
        for case let (n, f)? in records where n.message == nil {
            if let reference = f["msg"] { names.insert(EventMessages.Name(eventId: n.eventId, reference: reference)) }
        }
        return names.isEmpty ? [:] : try await EventMessages(redis: redis).read(names)
    }

    /// `record` with its named text filled in; nil when it names a text that is gone (a record that cannot be sent as
    /// written, as one with fields missing).
    static func filled(_ record: (notification: NotificationRecord, fields: [String: String]),
                       from texts: [EventMessages.Name: RenderedMessage]) -> (notification: NotificationRecord, fields: [String: String])? {
        guard record.notification.message == nil, let reference = record.fields["msg"] else { return record }
        guard let text = texts[EventMessages.Name(eventId: record.notification.eventId, reference: reference)] else { return nil }
        var n = record.notification
        n.message = text
        return (n, record.fields)
    }
}
