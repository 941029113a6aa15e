import Redis

/// Maps a provider's message id to the notification it carried, so a delivery receipt finds its notification.
///
/// A receipt can beat the worker that records the mapping (a fast provider, a slow or redirected Redis write): it is
/// then kept beside where the mapping goes, and the worker that writes the mapping reads it just after.
public struct ProviderMessageIndex: Sendable {
    let redis: RedisClient
    /// Receipts later than this are not expected; the mapping then expires.
    let lifetime: Duration
    /// How long a receipt waits for its message id to be recorded.
    let receiptWait: Duration

    public init(redis: RedisClient, lifetime: Duration = .seconds(7 * 86400), receiptWait: Duration = .seconds(3600)) {
        self.redis = redis
        self.lifetime = lifetime
        self.receiptWait = receiptWait
    }

    /// Records the mapping; returns a receipt that came before it (`"<status> <detail>"`), if one did.
    @discardableResult
    public func record(provider: String, messageId: String, notificationId: String) async throws -> String? {
        try await redis.pipeline(recordCommands(provider: provider, messageId: messageId, notificationId: notificationId))[1].string
    }

    /// ``record(provider:messageId:notificationId:)`` as two commands, to pipeline with what follows an acceptance: the
    /// mapping, then the early receipt (the second reply, nil if none). No script is needed: the lookup is one, so a
    /// receipt's lookup runs before the mapping (and keeps the receipt, which the read then finds) or after it (and
    /// finds the mapping), and the two commands go in order on one connection.
    public func recordCommands(provider: String, messageId: String, notificationId: String) -> [RedisCommand] {
        [RedisCommand("SET", Keys.providerMessage(provider: provider, messageId: messageId), notificationId, "EX", Int(lifetime.components.seconds)),
         RedisCommand("GET", Keys.providerMessageReceipt(provider: provider, messageId: messageId))]
    }

    /// For each receipt, in the order given and in one round trip: the notification id; or, for a message id not
    /// recorded (yet), nil, with the receipt (`orKeep`) kept for the worker that records it. A message id never
    /// recorded (expired, or another system's) lets the receipt lapse.
    public func notifications(provider: String, _ receipts: [(messageId: String, orKeep: String)]) async throws -> [String?] {
        let calls = receipts.map { r in
            (keys: [Keys.providerMessage(provider: provider, messageId: r.messageId), Keys.providerMessageReceipt(provider: provider, messageId: r.messageId)],
             args: [r.orKeep, Int(receiptWait.components.seconds)] as [any RedisArgument])
        }
        return try await redis.evalshaPipeline(Self.lookupScript, calls: calls).map { reply in
            if case .error = reply { throw StoreError.unexpected("receipt lookup", reply) }
            return reply.string
        }
    }

    /// The notification id, or nil for an unknown (or expired) message id.
    public func notification(provider: String, messageId: String) async throws -> String? {
        try await redis.send("GET", Keys.providerMessage(provider: provider, messageId: messageId)).string
    }

    /// Drops an early receipt once it is held on its notification.
    public func clearEarlyReceipt(provider: String, messageId: String) async throws {
        _ = try await redis.send("DEL", Keys.providerMessageReceipt(provider: provider, messageId: messageId))
    }

    static let lookupScript = RedisScript("""
    local id = redis.call('GET', KEYS[1])
    if id then return id end
    redis.call('SET', KEYS[2], ARGV[1], 'EX', tonumber(ARGV[2]))
    return false
    """)
}
