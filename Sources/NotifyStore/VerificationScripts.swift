import Redis

/// Lua scripts over one verification key, so counting sends and tries cannot race.
enum VerificationScripts {
    /// KEYS: verify key. ARGV: now, window, maxSends, codeHash, addressHash, expiresAt, ttl.
    /// Returns {1, 0} when a new code is stored, {0, seconds until a send is allowed} when over the limit.
    static let issue = RedisScript("""
    local now = tonumber(ARGV[1])
    local ws = tonumber(redis.call('HGET', KEYS[1], 'windowStart') or '0')
    local sends = tonumber(redis.call('HGET', KEYS[1], 'sends') or '0')
    if now - ws >= tonumber(ARGV[2]) then ws = now; sends = 0 end
    if sends >= tonumber(ARGV[3]) then return {0, ws + tonumber(ARGV[2]) - now} end
    redis.call('HSET', KEYS[1], 'codeHash', ARGV[4], 'addressHash', ARGV[5], 'expiresAt', ARGV[6], 'tries', 0,
      'sends', sends + 1, 'windowStart', ws)
    redis.call('EXPIRE', KEYS[1], ARGV[7])
    return {1, 0}
    """)

    /// KEYS: verify key. ARGV: codeHash, addressHash, now, maxTries.
    /// Returns ok, wrong, locked, expired, stale (the address changed since) or none.
    static let check = RedisScript("""
    local f = redis.call('HMGET', KEYS[1], 'codeHash', 'addressHash', 'expiresAt', 'tries')
    if not f[1] then return 'none' end
    local tries = tonumber(f[4] or '0')
    if tries >= tonumber(ARGV[4]) then return 'locked' end
    if tonumber(f[3]) < tonumber(ARGV[3]) then return 'expired' end
    if f[2] ~= ARGV[2] then return 'stale' end
    if f[1] ~= ARGV[1] then
      redis.call('HINCRBY', KEYS[1], 'tries', 1)
      if tries + 1 >= tonumber(ARGV[4]) then return 'locked' end
      return 'wrong'
    end
    redis.call('HDEL', KEYS[1], 'codeHash', 'addressHash', 'expiresAt', 'tries')
    return 'ok'
    """)
}
