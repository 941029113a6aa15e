import Redis

/// Lua scripts over one notification's keys (record and timeline share a hash tag).
enum NotificationScripts {
    /// Creates the record unless it exists, expiring after the retention. Its first timeline line is not written out:
    /// the record holds its detail (field `detail0`, beside `createdAt` and `initial`), and the timeline list is made by
    /// the first move, so fan-out writes one key, not two, and a short record keeps Redis's compact encoding.
    /// KEYS: record. ARGV: the first line's detail, retention in seconds, then field/value pairs.
    /// Returns {created 0/1, status, enqueued, initial status}; status and initial are empty when created.
    static let create = RedisScript("""
    if redis.call('EXISTS', KEYS[1]) == 1 then
      local f = redis.call('HMGET', KEYS[1], 'status', 'enqueued', 'initial')
      return {0, f[1], f[2] or '', f[3] or f[1]}
    end
    redis.call('HSET', KEYS[1], 'detail0', ARGV[1], unpack(ARGV, 3))
    redis.call('EXPIRE', KEYS[1], ARGV[2])
    return {1, '', '', ''}
    """)

    /// Appends a timeline line; the move that makes the list gives it the record's expiry.
    /// Used by the scripts below with KEYS[1] the record, KEYS[2] the timeline and `line` the entry.
    static func appendLine(_ line: String) -> String {
        """
        if redis.call('RPUSH', KEYS[2], \(line)) == 1 then
          local ttl = redis.call('PTTL', KEYS[1])
          if ttl > 0 then redis.call('PEXPIRE', KEYS[2], ttl) end
        end
        """
    }

    /// Moves the status if the current one is in the allowed list: one read, one write and the timeline line (it runs
    /// three times for every notification sent, so every call inside counts).
    /// KEYS: record, timeline. ARGV: new status, allowed current statuses (comma list), timeline entry,
    /// attempts increment, then field/value pairs. A move the event's counts must follow (sending counts as queued) is
    /// appended to the field `uncounted` as `from>to`, until ``settleCount`` removes it once counted.
    /// Returns {moved 1/0/-1 missing, previous status}, and when moved also the callback flag, event id, reference and
    /// entity (for the entity's status callback), the channel, and a receipt held while the notification was being sent.
    static let transition = RedisScript("""
    local f = redis.call('HMGET', KEYS[1], 'status', 'uncounted', 'attempts', 'cb', 'eventId', 'reference', 'entity', 'channel', 'pendingReceipt')
    local cur = f[1]
    if not cur then return {-1, ''} end
    if not string.find(',' .. ARGV[2] .. ',', ',' .. cur .. ',', 1, true) then return {0, cur} end
    local set = {'status', ARGV[1]}
    for i = 5, #ARGV do set[#set + 1] = ARGV[i] end
    if ARGV[4] ~= '0' then
      set[#set + 1] = 'attempts'
      set[#set + 1] = tostring((tonumber(f[3]) or 0) + tonumber(ARGV[4]))
    end
    local nf = cur == 'sending' and 'queued' or cur
    local nt = ARGV[1] == 'sending' and 'queued' or ARGV[1]
    if nf ~= nt then
      set[#set + 1] = 'uncounted'
      set[#set + 1] = (f[2] and f[2] ~= '' and (f[2] .. ',') or '') .. nf .. '>' .. nt
    end
    redis.call('HSET', KEYS[1], unpack(set))
    \(appendLine("ARGV[3]"))
    return {1, cur, f[4] or '', f[5] or '', f[6] or '', f[7] or '', f[8] or '', f[9] or ''}
    """)

    /// Sets fields of a record that still exists (never creates a record without its expiry).
    /// KEYS: record. ARGV: field/value pairs. Returns 1 when set, 0 when the record is gone.
    static let setIfExists = RedisScript("""
    if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
    redis.call('HSET', KEYS[1], unpack(ARGV))
    return 1
    """)

    /// Removes one occurrence of each counted move (`from>to`) from the record's `uncounted` list.
    /// KEYS: record. ARGV: the moves.
    static let settleCount = RedisScript("""
    local u = redis.call('HGET', KEYS[1], 'uncounted')
    if not u or u == '' then return 0 end
    local left = {}
    for m in string.gmatch(u, '[^,]+') do table.insert(left, m) end
    for i = 1, #ARGV do
      for j = 1, #left do
        if left[j] == ARGV[i] then table.remove(left, j) break end
      end
    end
    if #left == 0 then redis.call('HDEL', KEYS[1], 'uncounted') else redis.call('HSET', KEYS[1], 'uncounted', table.concat(left, ',')) end
    return 1
    """)
}
