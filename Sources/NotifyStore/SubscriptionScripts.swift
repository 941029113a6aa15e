import Redis

/// Compare-and-set for subscription changes, so the ledger never disagrees with the state.
enum SubscriptionScripts {
    /// KEYS: subscriptions, consents. ARGV: n, then n triples (field, expected value or "", new value), then ledger lines.
    /// Returns 1 when written, 0 when a field changed since it was read (the caller reads again and retries).
    static let apply = RedisScript("""
    local n = tonumber(ARGV[1])
    for i = 0, n - 1 do
      local current = redis.call('HGET', KEYS[1], ARGV[2 + i * 3]) or ''
      if current ~= ARGV[3 + i * 3] then return 0 end
    end
    for i = 0, n - 1 do redis.call('HSET', KEYS[1], ARGV[2 + i * 3], ARGV[4 + i * 3]) end
    if #ARGV > 1 + n * 3 then redis.call('RPUSH', KEYS[2], unpack(ARGV, 2 + n * 3)) end
    return 1
    """)
}
