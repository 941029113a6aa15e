import Redis

/// Token buckets in Redis, shared by every process: one script per take, timed by the Redis clock
/// so that workers on machines whose clocks differ still agree.
public struct RateLimiter: Sendable {
    let redis: RedisClient

    public init(redis: RedisClient) { self.redis = redis }

    /// Takes `cost` tokens from bucket `name` (refilling at `rate` per second up to `burst`).
    /// Returns nil when taken, else how long to wait before enough tokens are there.
    public func take(_ name: String, rate: Double, burst: Double, cost: Double = 1) async throws -> Duration? {
        let reply = try await redis.evalsha(Self.script, keys: [Keys.rateLimit(name)], args: [rate, max(burst, cost), cost])
        guard let r = reply.array, r.count == 2, let ok = r[0].int, let wait = r[1].int else {
            throw StoreError.unexpected("rate limit", reply)
        }
        return ok == 1 ? nil : .milliseconds(max(wait, 1))
    }

    static let script = RedisScript("""
    local rate, burst, cost = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
    local t = redis.call('TIME')
    local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
    local b = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
    local tokens = tonumber(b[1]) or burst
    local ts = tonumber(b[2]) or now
    tokens = math.min(burst, tokens + math.max(0, now - ts) * rate / 1000)
    local ttl = math.ceil(burst / rate * 1000) + 1000
    if tokens >= cost then
      redis.call('HSET', KEYS[1], 'tokens', tostring(tokens - cost), 'ts', now)
      redis.call('PEXPIRE', KEYS[1], ttl)
      return {1, 0}
    end
    redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', now)
    redis.call('PEXPIRE', KEYS[1], ttl)
    return {0, math.ceil((cost - tokens) * 1000 / rate)}
    """)
}
