import Foundation
import NotifyCore
import Redis

/// The dead-letter stream of each channel: appended when a delivery fails for good, read by staff.
public struct DeadLetterStore: Sendable {
    let redis: RedisClient

    public init(redis: RedisClient) { self.redis = redis }

    /// The record field that says a failure's dead letter is still to be written ("due") or written ("done").
    /// A move to `failed` sets it to "due" in the same script, so a process stopped between the move and the
    /// dead letter leaves a mark that the next one to see the record acts on (``addIfDue(_:fields:)``).
    public static let marker = "deadLetter"

    /// Appends `letter` to its channel's dead-letter stream, then marks its record "done"; returns the entry id.
    @discardableResult
    public func add(_ letter: DeadLetter) async throws -> String {
        let id = try await append(letter)
        _ = try await redis.evalsha(NotificationScripts.setIfExists, keys: [Keys.notification(letter.notificationId)], args: [Self.marker, "done"])
        return id
    }

    /// Writes the dead letter of a failed notification whose failure was recorded but whose dead letter was not
    /// (the process stopped in between); true when it did.
    @discardableResult
    public func addIfDue(_ n: NotificationRecord, fields: [String: String]) async throws -> Bool {
        guard n.status == .failed, fields[Self.marker] == "due" else { return false }
        let timeline = try await NotificationStore(redis: redis).load(n.id)?.timeline ?? []
        try await add(DeadLetter(notificationId: n.id, channel: n.channel, eventId: n.eventId, eventType: n.eventType, entity: n.entity,
                                 attempts: n.attempts, lastError: timeline.last?.detail ?? "failed", failedAt: timeline.last?.at ?? Date(),
                                 history: timeline))
        return true
    }

    private func append(_ letter: DeadLetter) async throws -> String {
        let history = String(decoding: try JSONCoding.encoder.encode(letter.history), as: UTF8.self)
        let reply = try await redis.send(RedisCommand("XADD", [
            Keys.deadLetters(letter.channel.rawValue), "*",
            "notification", letter.notificationId, "channel", letter.channel.rawValue, "eventId", letter.eventId,
            "eventType", letter.eventType, "entity", letter.entity, "attempts", letter.attempts, "error", letter.lastError,
            "failedAt", Int(letter.failedAt.timeIntervalSince1970 * 1000), "history", history,
        ]))
        guard let id = reply.string else { throw StoreError.unexpected("XADD dead letter", reply) }
        return id
    }

    /// The newest `count` dead letters of `channel`, newest first.
    public func list(_ channel: Channel, count: Int = 100) async throws -> [(id: String, letter: DeadLetter)] {
        let reply = try await redis.send("XREVRANGE", Keys.deadLetters(channel.rawValue), "+", "-", "COUNT", count)
        return WorkQueue.entries(reply).compactMap { entry in Self.decode(entry.fields).map { (entry.id, $0) } }
    }

    static func decode(_ f: [String: String]) -> DeadLetter? {
        guard let id = f["notification"], let channel = f["channel"].flatMap(Channel.init(rawValue:)) else { return nil }
        let history = f["history"].flatMap { try? JSONCoding.decoder.decode([TimelineEntry].self, from: Data($0.utf8)) } ?? []
        return DeadLetter(
            notificationId: id, channel: channel, eventId: f["eventId"] ?? "", eventType: f["eventType"] ?? "", entity: f["entity"] ?? "",
            attempts: f["attempts"].flatMap(Int.init) ?? 0, lastError: f["error"] ?? "",
            failedAt: Date(timeIntervalSince1970: Double(f["failedAt"].flatMap(Int.init) ?? 0) / 1000), history: history
        )
    }
}
