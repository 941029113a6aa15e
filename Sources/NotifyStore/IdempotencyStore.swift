import NotifyCore
import Redis

/// Idempotency-Key reservations: the same key and body map to the same event for a day.
public struct IdempotencyStore: Sendable {
    /// What a reservation found.
    public enum Outcome: Sendable, Equatable {
        /// The key is new: publish under `eventId`.
        case reserved(eventId: String)
        /// The key was used with the same body: answer with `eventId` again (and finish it if a crash left it half done).
        case replay(eventId: String)
        /// The key was used with another body.
        case mismatch
    }

    let redis: RedisClient
    let ttlSeconds: Int

    public init(redis: RedisClient, ttlSeconds: Int = 86_400) {
        self.redis = redis
        self.ttlSeconds = ttlSeconds
    }

    /// Reserves `key` for `eventId`, or reports what it already holds.
    public func reserve(entity: String, key: String, bodyHash: String, eventId: String) async throws -> Outcome {
        guard !key.isEmpty, key.utf8.count <= 255 else { throw NotifyError.invalid("Idempotency-Key", "must be 1 to 255 characters") }
        let redisKey = Keys.idempotency(entity: entity, keyHash: Digest.sha256Hex(key))
        let value = "\(bodyHash) \(eventId)"
        let set = try await redis.send("SET", redisKey, value, "NX", "EX", ttlSeconds)
        if case .status = set { return .reserved(eventId: eventId) }
        guard let existing = try await redis.send("GET", redisKey).string else {
            // Expired between the two calls: try once more.
            return try await reserve(entity: entity, key: key, bodyHash: bodyHash, eventId: eventId)
        }
        let parts = existing.split(separator: " ")
        guard parts.count == 2 else { throw StoreError.corrupt(redisKey, "bad reservation") }
        return parts[0] == bodyHash ? .replay(eventId: String(parts[1])) : .mismatch
    }
}
