import Redis

/// Lua scripts over one notification's keys (record and timeline share a hash tag).
enum NotificationScripts {
    /// Creates the record unless it exists, expiring after the retention. The timeline lives in the record: its first
    /// line is the creation (field `detail0`, beside `createdAt` and `initial`, not written out), and each move adds a
    /// field `l<n>` and counts it in `lines`, so a notification is one key for its whole life.
    /// KEYS: record. ARGV: the first line's detail, retention in seconds, then field/value pairs.
    /// Returns {created 0/1, status, enqueued, initial status}; status and initial are empty when created.
    static let create = RedisScript("""
    if redis.call('EXISTS', KEYS[1]) == 1 then
      local f = redis.call('HMGET', KEYS[1], 'status', 'enqueued', 'initial')
      return {0, f[1], f[2] or '', f[3] or f[1]}
    end
    redis.call('HSET', KEYS[1], 'detail0', ARGV[1], 'lines', '0', unpack(ARGV, 3))
    redis.call('EXPIRE', KEYS[1], ARGV[2])
    return {1, '', '', ''}
    """)

    /// Adds a timeline line to the fields `set` will write: the record's next `l<n>`, with `lines` counting them. `lines`
    /// is the Lua expression of the record's `lines` field; a record made before lines were kept in it has none, and
    /// ``appendLegacyLine(_:lines:)`` puts its line in its list instead.
    static func addLine(_ line: String, lines: String) -> String {
        """
        if \(lines) then
          local n = tostring(tonumber(\(lines)) + 1)
          set[#set + 1] = 'l' .. n
          set[#set + 1] = \(line)
          set[#set + 1] = 'lines'
          set[#set + 1] = n
        end
        """
    }

    /// A line of a record without `lines` goes to its timeline list (KEYS[2]); the move that makes the list gives it
    /// the record's expiry.
    static func appendLegacyLine(_ line: String, lines: String) -> String {
        """
        if not \(lines) and redis.call('RPUSH', KEYS[2], \(line)) == 1 then
          local ttl = redis.call('PTTL', KEYS[1])
          if ttl > 0 then redis.call('PEXPIRE', KEYS[2], ttl) end
        end
        """
    }

    /// Moves the status if the current one is in the allowed list: one read and one write, the timeline line with it
    /// (it runs three times for every notification sent, so every call inside counts).
    /// KEYS: record, timeline. ARGV: new status, allowed current statuses (comma list), timeline entry,
    /// attempts increment, then field/value pairs. A move the event's counts must follow (sending counts as queued) is
    /// appended to the field `uncounted` as `from>to`, until ``settleCount`` removes it once counted.
    /// Returns {moved 1/0/-1 missing, previous status}, and when moved also the callback flag, event id, reference and
    /// entity (for the entity's status callback), the channel, and a receipt held while the notification was being sent.
    static let transition = RedisScript("""
    local f = redis.call('HMGET', KEYS[1], 'status', 'uncounted', 'attempts', 'cb', 'eventId', 'reference', 'entity', 'channel', 'pendingReceipt',
                         'lines')
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
    \(addLine("ARGV[3]", lines: "f[10]"))
    redis.call('HSET', KEYS[1], unpack(set))
    \(appendLegacyLine("ARGV[3]", lines: "f[10]"))
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
