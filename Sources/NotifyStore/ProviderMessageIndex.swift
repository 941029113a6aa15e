import Redis

/// Maps a provider's message id to the notification it carried, so a delivery receipt finds its notification.
public struct ProviderMessageIndex: Sendable {
    let redis: RedisClient
    /// Receipts later than this are not expected; the mapping then expires.
    let lifetime: Duration

    public init(redis: RedisClient, lifetime: Duration = .seconds(7 * 86400)) {
        self.redis = redis
        self.lifetime = lifetime
    }

    public func record(provider: String, messageId: String, notificationId: String) async throws {
        _ = try await redis.send(recordCommand(provider: provider, messageId: messageId, notificationId: notificationId))
    }

    /// ``record(provider:messageId:notificationId:)`` as a command, to pipeline with what follows an acceptance.
    public func recordCommand(provider: String, messageId: String, notificationId: String) -> RedisCommand {
        RedisCommand("SET", Keys.providerMessage(provider: provider, messageId: messageId), notificationId, "EX", Int(lifetime.components.seconds))
    }

    /// The notification id, or nil for an unknown (or expired) message id.
    public func notification(provider: String, messageId: String) async throws -> String? {
        try await redis.send("GET", Keys.providerMessage(provider: provider, messageId: messageId)).string
    }
}
