import Redis

/// Lua scripts over one notification's keys (record and timeline share a hash tag).
enum NotificationScripts {
    /// Creates the record unless it exists, expiring after the retention. The timeline lives in the record: its first
    /// line is the creation (field `detail0`, beside `createdAt` and `initial`, not written out), and each move adds a
    /// field `l<n>` and counts it in `lines`, so a notification is one key for its whole life.
    /// KEYS: record. ARGV: the first line's detail, retention in seconds, then field/value pairs.
    /// Returns {created 0/1, status, initial status}; status and initial are empty when created.
    static let create = RedisScript("""
    if redis.call('EXISTS', KEYS[1]) == 1 then
      local f = redis.call('HMGET', KEYS[1], 'status', 'initial')
      return {0, f[1], f[2] or f[1]}
    end
    redis.call('HSET', KEYS[1], 'detail0', ARGV[1], 'lines', '0', unpack(ARGV, 3))
    redis.call('EXPIRE', KEYS[1], ARGV[2])
    return {1, '', ''}
    """)

    /// Sets `line` to the number of the record's next timeline line, or nil for a record made before its lines were kept
    /// in it (no `lines` field). `lines` is the Lua expression of that field.
    static func lineNumber(lines: String) -> String {
        "local line = \(lines) and tostring(tonumber(\(lines)) + 1)"
    }

    /// Adds the timeline line `entry` to the fields `set` will write: `l<line>`, with `lines` counting them.
    static func addLine(_ entry: String) -> String {
        """
        if line then
          set[#set + 1] = 'l' .. line
          set[#set + 1] = \(entry)
          set[#set + 1] = 'lines'
          set[#set + 1] = line
        end
        """
    }

    /// A record without `lines` (made before) keeps its lines in its timeline list (KEYS[2]); the move that makes the
    /// list gives it the record's expiry.
    static func appendLegacyLine(_ entry: String) -> String {
        """
        if not line and redis.call('RPUSH', KEYS[2], \(entry)) == 1 then
          local ttl = redis.call('PTTL', KEYS[1])
          if ttl > 0 then redis.call('PEXPIRE', KEYS[2], ttl) end
        end
        """
    }

    /// Moves the status if the current one is in the allowed list: one read and one write, the timeline line with it
    /// (it runs three times for every notification sent, so every call inside counts).
    /// KEYS: record, timeline. ARGV: new status, allowed current statuses (comma list), timeline entry,
    /// attempts increment, then field/value pairs. A move the event's counts must follow (sending counts as queued) is
    /// marked `from>to` in the field `u<line>`, named after the move's timeline line, which the count deletes once done
    /// (a plain HDEL); a record made before its lines were kept in it appends the move to the field `uncounted` instead,
    /// which ``settleCount`` trims.
    /// Returns {moved 1/0/-1 missing, previous status}, and when moved also the callback flag, event id, reference and
    /// entity (for the entity's status callback), the channel, a receipt held while the notification was being sent,
    /// and the name of the move's mark (empty when it has none).
    static let transition = RedisScript(transitionSource(refused: "return {0, cur}"))

    /// ``transition`` for a provider's receipt: refused on a record whose send is not recorded yet (`sending`, `queued`),
    /// it keeps the receipt there (`pendingReceipt`, `"<status> <detail>"`, the entry without its time) for the move to
    /// `sent` to return, and answers {2, current}. One script, so that move cannot slip in between the look and the write
    /// and leave the receipt unseen (a receipt that names its notification can beat the worker by the whole provider call).
    static let receiptTransition = RedisScript(transitionSource(refused: """
    if cur == 'sending' or cur == 'queued' then
        redis.call('HSET', KEYS[1], 'pendingReceipt', string.sub(ARGV[3], (string.find(ARGV[3], ' ', 1, true) or 0) + 1))
        return {2, cur}
    end
    return {0, cur}
    """))

    /// The move's Lua, with `refused` run when the current status may not move to the new one.
    private static func transitionSource(refused: String) -> String {
        """
    local f = redis.call('HMGET', KEYS[1], 'status', 'uncounted', 'attempts', 'cb', 'eventId', 'reference', 'entity', 'channel', 'pendingReceipt',
                         'lines')
    local cur = f[1]
    if not cur then return {-1, ''} end
    if not string.find(',' .. ARGV[2] .. ',', ',' .. cur .. ',', 1, true) then
      \(refused)
    end
    local set = {'status', ARGV[1]}
    for i = 5, #ARGV do set[#set + 1] = ARGV[i] end
    if ARGV[4] ~= '0' then
      set[#set + 1] = 'attempts'
      set[#set + 1] = tostring((tonumber(f[3]) or 0) + tonumber(ARGV[4]))
    end
    \(lineNumber(lines: "f[10]"))
    local nf = cur == 'sending' and 'queued' or cur
    local nt = ARGV[1] == 'sending' and 'queued' or ARGV[1]
    local mark = ''
    if nf ~= nt and line then
      mark = 'u' .. line
      set[#set + 1] = mark
      set[#set + 1] = nf .. '>' .. nt
    elseif nf ~= nt then
      set[#set + 1] = 'uncounted'
      set[#set + 1] = (f[2] and f[2] ~= '' and (f[2] .. ',') or '') .. nf .. '>' .. nt
    end
    \(addLine("ARGV[3]"))
    redis.call('HSET', KEYS[1], unpack(set))
    \(appendLegacyLine("ARGV[3]"))
    return {1, cur, f[4] or '', f[5] or '', f[6] or '', f[7] or '', f[8] or '', f[9] or '', mark}
    """
    }

    /// Sets fields of a record that still exists (never creates a record without its expiry).
    /// KEYS: record. ARGV: field/value pairs. Returns 1 when set, 0 when the record is gone.
    static let setIfExists = RedisScript("""
    if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
    redis.call('HSET', KEYS[1], unpack(ARGV))
    return 1
    """)

    /// Settles counted moves whose mark the caller does not know: each `from>to` comes off the record's `uncounted` list
    /// (a record made before marks were named after lines), or else its lowest-numbered `u<line>` mark goes.
    /// KEYS: record. ARGV: the moves.
    static let settleCount = RedisScript("""
    local u = redis.call('HGET', KEYS[1], 'uncounted') or ''
    local left = {}
    for m in string.gmatch(u, '[^,]+') do table.insert(left, m) end
    local listed = #left
    local marks = nil
    for i = 1, #ARGV do
      local found = false
      for j = 1, #left do
        if left[j] == ARGV[i] then table.remove(left, j) found = true break end
      end
      if not found then
        if not marks then marks = redis.call('HGETALL', KEYS[1]) end
        local best, bestN = nil, nil
        for k = 1, #marks, 2 do
          local n = tonumber(string.match(marks[k], '^u(%d+)$'))
          if n and marks[k + 1] == ARGV[i] and (not bestN or n < bestN) then best, bestN = k, n end
        end
        if best then
          redis.call('HDEL', KEYS[1], marks[best])
          marks[best + 1] = ''
        end
      end
    end
    if listed > 0 then
      if #left == 0 then redis.call('HDEL', KEYS[1], 'uncounted') else redis.call('HSET', KEYS[1], 'uncounted', table.concat(left, ',')) end
    end
    return 1
    """)
}
