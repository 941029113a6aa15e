import Foundation
import Redis

/// The callbacks stream and its retry set (same hash tag, so due retries move back atomically).
public struct CallbackQueue: Sendable {
    public static let name = "callbacks"
    let redis: RedisClient

    public init(redis: RedisClient) { self.redis = redis }

    public var queue: WorkQueue { WorkQueue(redis: redis, stream: Keys.stream(Self.name), group: Self.name) }

    public func add(_ payloads: [CallbackPayload]) async throws {
        guard !payloads.isEmpty else { return }
        try await queue.add(payloads.map { ["cb": try $0.encoded()] })
    }

    /// The payload in a stream entry, or nil for an unreadable one.
    public static func payload(_ entry: WorkQueue.Entry) -> CallbackPayload? { entry.fields["cb"].flatMap(CallbackPayload.decode) }

    /// Retries wait in the queue's delayed set, the payload itself being the member.
    var delayed: DelayedQueue { DelayedQueue(redis: redis, queue: Self.name, field: "cb") }

    public func retry(_ payload: CallbackPayload, after delay: Duration, now: Date = Date()) async throws {
        try await delayed.schedule(try payload.encoded(), after: delay, now: now)
    }

    /// Moves due retries onto the stream; returns how many.
    public func moveDue(now: Date = Date(), limit: Int = 500) async throws -> Int {
        try await delayed.moveDue(now: now, limit: limit)
    }
}
