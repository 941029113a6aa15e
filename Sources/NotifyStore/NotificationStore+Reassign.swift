import Foundation
import NotifyCore
import Redis

extension NotificationStore {
    /// Puts a notification back in `queued` with new fields (another channel and its rendering), if it is still
    /// in `expected`. Unlike ``move(_:to:detail:countAttempt:returnAttempt:fields:now:)`` it may leave the status unchanged
    /// (queued stays queued when the channel changes before any send); the timeline records it either way.
    @discardableResult
    public func reassign(_ id: String, expected: NotificationStatus, fields: [String: String], detail: String,
                         now: Date = Date()) async throws -> Bool {
        guard expected == .queued || expected.canMove(to: .queued) else { return false }
        let entry = Self.entry(TimelineEntry(at: now, status: .queued, detail: detail))
        var args: [any RedisArgument] = [expected.rawValue, entry]
        for (k, v) in fields.sorted(by: { $0.key < $1.key }) { args += [k, v] }
        let reply = try await redis.evalsha(Self.reassignScript, keys: [Keys.notification(id), Keys.timeline(id)], args: args)
        return reply.int == 1
    }

    /// Records that the send to one address was accepted, so a redelivered entry does not send it again.
    public func markAccepted(_ id: String, target: String, provider: String, messageId: String) async throws {
        _ = try await redis.send(Self.markAcceptedCommand(id, target: target, provider: provider, messageId: messageId))
    }

    /// ``markAccepted(_:target:provider:messageId:)`` as a command, to pipeline with what follows an acceptance.
    public static func markAcceptedCommand(_ id: String, target: String, provider: String, messageId: String) -> RedisCommand {
        RedisCommand("HSET", Keys.notification(id), "sent:\(target)", "\(provider) \(messageId)")
    }

    static let reassignScript = RedisScript("""
    local f = redis.call('HMGET', KEYS[1], 'status', 'lines')
    if f[1] ~= ARGV[1] then return 0 end
    local set = {'status', 'queued'}
    for i = 3, #ARGV do set[#set + 1] = ARGV[i] end
    \(NotificationScripts.lineNumber(lines: "f[2]"))
    \(NotificationScripts.addLine("ARGV[2]"))
    redis.call('HSET', KEYS[1], unpack(set))
    \(NotificationScripts.appendLegacyLine("ARGV[2]"))
    return 1
    """)
}
