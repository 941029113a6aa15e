import Foundation
import NotifyCore
import Redis

/// Notification records, their timelines, and their status moves (enforced by NotificationStatus).
public struct NotificationStore: Sendable {
    let redis: RedisClient
    /// Records and timelines are deleted this long after creation.
    public let retention: Duration

    public init(redis: RedisClient, retention: Duration = .seconds(7 * 86_400)) {
        self.redis = redis
        self.retention = retention
    }

    /// What `create` found for one notification.
    public struct Creation: Sendable, Equatable {
        public let id: String
        public let created: Bool
        public let status: NotificationStatus
        /// The status it was created with (what the event's counts were first told).
        public let initial: NotificationStatus
    }

    /// Creates many notifications in one pipeline; existing ones are left as they are and reported.
    /// Their texts go under their events first (``EventMessages``), and each record names its own.
    public func create(_ notifications: [NotificationRecord], detail: (NotificationRecord) -> String) async throws -> [Creation] {
        let seconds = Int(retention.components.seconds)
        let references = try await writeTexts(notifications)
        let commands = zip(notifications, references).map { n, reference in
            var command = RedisCommand("EVALSHA", NotificationScripts.create.sha1, 1, Keys.notification(n.id), detail(n), seconds)
            Self.appendFields(n, reference: reference, to: &command)
            return command
        }
        let replies = try await redis.evalshaPipeline(NotificationScripts.create, commands: commands)
        var created: [NotificationMetrics.Key: Int] = [:]
        defer { NotificationMetrics.count(created) }
        return try zip(notifications, replies).map { n, reply in
            guard let r = reply.array, r.count == 3 else { throw StoreError.unexpected("notification create", reply) }
            let isNew = r[0].int == 1
            guard let status = isNew ? n.status : r[1].string.flatMap(NotificationStatus.init(rawValue:)) else {
                throw StoreError.unexpected("notification create", reply)
            }
            if isNew { created[NotificationMetrics.Key(channel: n.channel.rawValue, status: status), default: 0] += 1 }
            return Creation(id: n.id, created: isNew, status: status,
                            initial: isNew ? status : r[2].string.flatMap(NotificationStatus.init(rawValue:)) ?? status)
        }
    }

    /// The result of a status move.
    public enum Move: Sendable, Equatable {
        case moved(from: NotificationStatus)
        /// Not allowed from the current status; nothing changed.
        case refused(current: NotificationStatus)
        case missing
    }

    /// Moves `id` to `status` if the state machine allows it from the current status.
    @discardableResult
    public func move(_ id: String, to status: NotificationStatus, detail: String, countAttempt: Bool = false, returnAttempt: Bool = false,
                     fields: [String: String] = [:], now: Date = Date()) async throws -> Move {
        try await transition(id, to: status, detail: detail, countAttempt: countAttempt, returnAttempt: returnAttempt, fields: fields, now: now).move
    }

    /// A notification with its timeline, or nil.
    public func load(_ id: String) async throws -> (notification: NotificationRecord, timeline: [TimelineEntry], fields: [String: String])? {
        guard Digest.isID(id, prefix: "ntf_") else { return nil }
        let replies = try await redis.pipeline([
            RedisCommand("HGETALL", Keys.notification(id)),
            RedisCommand("LRANGE", Keys.timeline(id), 0, -1),
        ])
        guard let read = try Self.record(id, replies[0]) else { return nil }
        guard let (n, f) = Self.filled(read, from: try await texts(of: [read])) else { throw Self.textGone(id) }
        // Records made before the lines were kept in them (no `lines`) have the rest in a list.
        let count = Int(f["lines"] ?? "") ?? 0
        let kept = count > 0 ? (1...count).compactMap { f["l\($0)"].map { Array($0.utf8) } } : []
        let lines = (replies[1].array ?? []).compactMap(\.bytes) + kept
        let rest = lines.compactMap(Self.timelineEntry)
        // The first line is the record's creation (`detail0`); records made before that was kept have it in the list.
        guard let detail = f["detail0"] else { return (n, rest, f) }
        let initial = f["initial"].flatMap(NotificationStatus.init(rawValue:)) ?? n.status
        return (n, [TimelineEntry(at: n.createdAt, status: initial, detail: detail)] + rest, f)
    }

    /// A notification without its timeline (what delivery needs: one read, nothing to decode), or nil.
    public func loadRecord(_ id: String) async throws -> (notification: NotificationRecord, fields: [String: String])? {
        guard Digest.isID(id, prefix: "ntf_") else { return nil }
        guard let read = try Self.record(id, try await redis.send("HGETALL", Keys.notification(id))) else { return nil }
        guard let record = Self.filled(read, from: try await texts(of: [read])) else { throw Self.textGone(id) }
        return record
    }

    private static func textGone(_ id: String) -> StoreError {
        StoreError.corrupt(Keys.notification(id), "the text it names is no longer under its event")
    }

    /// Many records without timelines in one round trip, in the order asked; nil for one missing or unreadable
    /// (``loadRecord(_:)`` tells which).
    public func loadRecords(_ ids: [String]) async throws -> [(notification: NotificationRecord, fields: [String: String])?] {
        let valid = ids.filter { Digest.isID($0, prefix: "ntf_") }
        let replies = try await redis.pipeline(valid.map { RedisCommand("HGETALL", Keys.notification($0)) })
        let records = zip(valid, replies).map { id, reply in (try? Self.record(id, reply)) ?? nil }
        let texts = try await texts(of: records)
        var read: [String: (NotificationRecord, [String: String])] = [:]
        for (id, record) in zip(valid, records) { read[id] = record.flatMap { Self.filled($0, from: texts) } }
        return ids.map { read[$0] }
    }

    private static func record(_ id: String, _ reply: RedisValue) throws -> (NotificationRecord, [String: String])? {
        let f = reply.hash
        guard !f.isEmpty else { return nil }
        guard let n = decode(id: id, f) else { throw StoreError.corrupt(Keys.notification(id), "missing fields") }
        return (n, f)
    }

    /// The record's fields as name/value arguments, appended one by one: an array of `any RedisArgument` per record
    /// (built, concatenated, copied into the command and destroyed) cost a tenth of fan-out's CPU.
    /// `reference` names the record's text under its event, written there already; without one the text is in the record.
    static func appendFields(_ n: NotificationRecord, reference: String?, to command: inout RedisCommand) {
        func field(_ name: String, _ value: String) {
            command.append(name)
            command.append(value)
        }
        field("eventId", n.eventId)
        field("eventType", n.eventType)
        field("entity", n.entity)
        field("cpr", n.cpr.value)
        field("channel", n.channel.rawValue)
        field("status", n.status.rawValue)
        field("initial", n.status.rawValue)
        field("attempts", String(n.attempts))
        field("language", n.language.rawValue)
        field("createdAt", String(Int(n.createdAt.timeIntervalSince1970)))
        if let r = n.reference { field("reference", r) }
        if n.callback { field("cb", "1") }
        if let reference {
            field("msg", reference)
        } else if let m = n.message {
            field("body", m.body)
            if let s = m.subject { field("subject", s) }
            if let h = m.html { field("html", h) }
        }
    }

    static func decode(id: String, _ f: [String: String]) -> NotificationRecord? {
        guard let eventId = f["eventId"], let eventType = f["eventType"], let entity = f["entity"],
              let cpr = f["cpr"].flatMap({ try? CPR($0) }), let channel = f["channel"].flatMap(Channel.init(rawValue:)),
              let status = f["status"].flatMap(NotificationStatus.init(rawValue:)) else { return nil }
        let message = f["body"].map { RenderedMessage(subject: f["subject"].flatMap { $0.isEmpty ? nil : $0 }, body: $0,
                                                       html: f["html"].flatMap { $0.isEmpty ? nil : $0 }) }
        return NotificationRecord(
            id: id, eventId: eventId, eventType: eventType, entity: entity, cpr: cpr, channel: channel, status: status,
            attempts: f["attempts"].flatMap(Int.init) ?? 0,
            language: f["language"].flatMap(Language.init(rawValue:)) ?? .ar, message: message,
            createdAt: Date(timeIntervalSince1970: TimeInterval(f["createdAt"].flatMap(Int.init) ?? 0)), reference: f["reference"]
        )
    }

    static func entry(_ e: TimelineEntry) -> String { e.storedLine }

    /// A stored timeline line: compact (``TimelineEntry/storedLine``), or a JSON object as lines were written before.
    static func timelineEntry(_ line: [UInt8]) -> TimelineEntry? {
        line.first == UInt8(ascii: "{") ? try? JSONCoding.decoder.decode(TimelineEntry.self, from: Data(line)) : TimelineEntry(storedLine: line)
    }
}
