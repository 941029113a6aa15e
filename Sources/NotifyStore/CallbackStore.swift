import Foundation
import NotifyCore
import Redis

/// Entities' callback URLs and secrets (sealed), their failure count, suspension and the changes held meanwhile.
public struct CallbackStore: Sendable {
    /// Changes held for a suspended entity at most; older ones are dropped (the status API still has them).
    public static let maxParked = 100_000
    let redis: RedisClient
    let cipher: FieldCipher

    public init(redis: RedisClient, cipher: FieldCipher) {
        self.redis = redis
        self.cipher = cipher
    }

    /// Sets (or replaces) the URL and secret; the callback is active again.
    public func set(entity: String, url: String, secret: String, now: Date = Date()) async throws {
        _ = try await redis.transaction([
            RedisCommand("DEL", Keys.callback(entity)),
            RedisCommand("HSET", Keys.callback(entity), "url", url, "secret", try cipher.seal(secret), "failures", 0,
                         "updatedAt", Int(now.timeIntervalSince1970)),
        ])
    }

    public func get(entity: String) async throws -> EntityCallback? {
        let f = try await redis.send("HGETALL", Keys.callback(entity)).hash
        guard let url = f["url"], let sealed = f["secret"] else { return nil }
        let secret: String
        do { secret = try cipher.open(sealed) } catch { throw StoreError.corrupt(Keys.callback(entity), "secret cannot be decrypted") }
        return EntityCallback(url: url, secret: secret, suspended: f["suspendedAt"] != nil, consecutiveFailures: f["failures"].flatMap(Int.init) ?? 0,
                              lastError: f["lastError"], suspendedAt: f["suspendedAt"].flatMap(Int.init).map { Date(timeIntervalSince1970: TimeInterval($0)) })
    }

    /// Whether the entity has a callback (suspended or not): its new notifications are then flagged for callbacks.
    public static func isConfigured(redis: RedisClient, entity: String) async throws -> Bool {
        try await redis.send("HEXISTS", Keys.callback(entity), "url").int == 1
    }

    public func remove(entity: String) async throws -> Bool {
        try await redis.send("DEL", Keys.callback(entity), Keys.callbackParked(entity)).int ?? 0 > 0
    }

    public func succeeded(entity: String) async throws {
        _ = try await redis.send("HSET", Keys.callback(entity), "failures", 0)
    }

    /// Counts a failed post; suspends the callback after `suspendAfter` in a row. Returns whether it is now suspended.
    @discardableResult
    public func failed(entity: String, error: String, suspendAfter: Int, now: Date = Date()) async throws -> Bool {
        let reply = try await redis.evalsha(Self.failScript, keys: [Keys.callback(entity)],
                                            args: [String(error.prefix(200)), suspendAfter, Int(now.timeIntervalSince1970)])
        return reply.int == 1
    }

    /// Holds a change while the callback is suspended, once: the same change parked again (its stream entry handled a
    /// second time after a reclaim, or at another attempt) keeps its first place. Held changes start their attempts afresh.
    public func park(entity: String, _ payload: CallbackPayload, now: Date = Date()) async throws {
        var held = payload
        held.attempt = 0
        _ = try await redis.pipeline([
            RedisCommand("ZADD", Keys.callbackParked(entity), "NX", Int(now.timeIntervalSince1970 * 1000), try held.encoded()),
            RedisCommand("ZREMRANGEBYRANK", Keys.callbackParked(entity), 0, -(Self.maxParked + 1)),
        ])
    }

    public func parked(entity: String) async throws -> Int {
        try await redis.send("ZCARD", Keys.callbackParked(entity)).int ?? 0
    }

    /// Makes the callback active again and sends the held changes in the order they were held; returns how many were
    /// queued again. Each batch leaves the held set only once it is on the queue.
    public func resume(entity: String, queue: CallbackQueue) async throws -> Int {
        _ = try await redis.send("HDEL", Keys.callback(entity), "suspendedAt")
        _ = try await redis.send("HSET", Keys.callback(entity), "failures", 0)
        var moved = 0
        while true {
            let batch = (try await redis.send("ZRANGE", Keys.callbackParked(entity), 0, 499).array ?? []).compactMap(\.string)
            guard !batch.isEmpty else { return moved }
            try await queue.add(batch.compactMap(CallbackPayload.decode))
            _ = try await redis.send(RedisCommand("ZREM", [Keys.callbackParked(entity)] + batch.map { $0 as any RedisArgument }))
            moved += batch.count
        }
    }

    static let failScript = RedisScript("""
    if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
    local n = redis.call('HINCRBY', KEYS[1], 'failures', 1)
    redis.call('HSET', KEYS[1], 'lastError', ARGV[1])
    if n >= tonumber(ARGV[2]) and not redis.call('HGET', KEYS[1], 'suspendedAt') then
      redis.call('HSET', KEYS[1], 'suspendedAt', ARGV[3])
    end
    if redis.call('HGET', KEYS[1], 'suspendedAt') then return 1 end
    return 0
    """)
}
