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

    public func retry(_ payload: CallbackPayload, after delay: Duration, now: Date = Date()) async throws {
        let due = now.timeIntervalSince1970 * 1000 + Double(delay.components.seconds * 1000) + Double(delay.components.attoseconds) / 1e15
        _ = try await redis.send("ZADD", Keys.delayed(Self.name), Int(due), try payload.encoded())
    }

    /// Moves due retries onto the stream; returns how many.
    public func moveDue(now: Date = Date(), limit: Int = 500) async throws -> Int {
        try await redis.evalsha(Self.moveScript, keys: [Keys.delayed(Self.name), Keys.stream(Self.name)],
                                args: [Int(now.timeIntervalSince1970 * 1000), limit]).int ?? 0
    }

    static let moveScript = RedisScript("""
    local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
    for _, p in ipairs(due) do
      redis.call('XADD', KEYS[2], '*', 'cb', p)
      redis.call('ZREM', KEYS[1], p)
    end
    return #due
    """)
}
