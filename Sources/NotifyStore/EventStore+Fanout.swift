import Foundation
import NotifyCore
import Redis

extension EventStore {
    /// Where fan-out of one part stands.
    public struct Progress: Sendable, Equatable {
        /// The position after the last batch counted: an index into a CPR list, or the last CPR of a topic shard.
        public let cursor: String
        public let done: Bool
    }

    public func progress(_ id: String, part: Int) async throws -> Progress {
        let f = try await redis.send("HMGET", Keys.event(id), "cursor:\(part)", "done:\(part)").array ?? []
        return Progress(cursor: f.first?.string ?? "", done: f.count > 1 && f[1].string == "1")
    }

    /// Records one finished batch: moves the part's cursor from `from` to `to` and adds the batch's
    /// initial statuses to the counts, in one script, only if the cursor is still at `from`.
    /// A batch redone after a crash therefore counts once. Returns whether this call applied it.
    @discardableResult
    public func advance(_ id: String, part: Int, from: String, to: String, done: Bool, recipients: Int,
                        tallies: [NotificationStatus: Int]) async throws -> Bool {
        var args: [any RedisArgument] = [part, from, to, done ? 1 : 0, recipients]
        for (status, n) in tallies.sorted(by: { $0.key.rawValue < $1.key.rawValue }) where n != 0 { args += [status.rawValue, n] }
        return try await redis.evalsha(Self.advanceScript, keys: [Keys.event(id)], args: args).int == 1
    }

    static let advanceScript = RedisScript("""
    local part = ARGV[1]
    if redis.call('HGET', KEYS[1], 'done:' .. part) then return 0 end
    if (redis.call('HGET', KEYS[1], 'cursor:' .. part) or '') ~= ARGV[2] then return 0 end
    redis.call('HSET', KEYS[1], 'cursor:' .. part, ARGV[3])
    redis.call('HINCRBY', KEYS[1], 'recipients', tonumber(ARGV[5]))
    for i = 6, #ARGV, 2 do redis.call('HINCRBY', KEYS[1], 'count:' .. ARGV[i], tonumber(ARGV[i + 1])) end
    if ARGV[4] == '1' then
      redis.call('HSET', KEYS[1], 'done:' .. part, '1')
      local finished = redis.call('HINCRBY', KEYS[1], 'partsDone', 1)
      if finished >= tonumber(redis.call('HGET', KEYS[1], 'parts') or '1') then
        redis.call('HSET', KEYS[1], 'status', 'dispatched')
        return 1
      end
    end
    redis.call('HSET', KEYS[1], 'status', 'fanning-out')
    return 1
    """)
}
