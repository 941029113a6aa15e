import Redis

enum EventScripts {
    /// Counts moves on an event once each (a move's count and the removal of its mark from the record are two units,
    /// on two nodes of a cluster, and a process or Redis can stop between them): a counted move stays in the event's
    /// counting set (``Keys/eventCounting(_:)``) until its mark is gone, and the repair's count of it again finds it there.
    /// KEYS: event, counting set. ARGV: now (ms), how long an entry is kept at most (ms), then per move: its entry
    /// (`<notification id> <mark>`), the status it left ('' for none) and the status it reached. Returns how many it counted.
    static let countOnce = RedisScript("""
    local now, keep = tonumber(ARGV[1]), tonumber(ARGV[2])
    redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - keep)
    local entries = {}
    for i = 3, #ARGV, 3 do entries[#entries + 1] = ARGV[i] end
    local known = redis.call('ZMSCORE', KEYS[2], unpack(entries))
    local delta, add, seen = {}, {}, {}
    for k = 1, #entries do
      local e = entries[k]
      if not known[k] and not seen[e] then
        seen[e] = true
        local from, to = ARGV[3 * k + 1], ARGV[3 * k + 2]
        if from ~= '' then delta[from] = (delta[from] or 0) - 1 end
        delta[to] = (delta[to] or 0) + 1
        add[#add + 1] = ARGV[1]
        add[#add + 1] = e
      end
    end
    for status, n in pairs(delta) do
      if n ~= 0 then redis.call('HINCRBY', KEYS[1], 'count:' .. status, n) end
    end
    if #add > 0 then
      redis.call('ZADD', KEYS[2], unpack(add))
      redis.call('PEXPIRE', KEYS[2], keep)
    end
    return #add / 2
    """)
}
