extension RedisClient {
    /// A MULTI/EXEC block sent as one pipeline on one connection, so nothing interleaves.
    /// Returns the EXEC array's elements (a failing command inside is an `.error` element);
    /// throws if a command is rejected when queued (EXECABORT) or EXEC returns nil.
    public func transaction(_ commands: [RedisCommand]) async throws -> [RedisValue] {
        var block: [RedisCommand] = []
        block.reserveCapacity(commands.count + 2)
        block.append(RedisCommand("MULTI"))
        block.append(contentsOf: commands)
        block.append(RedisCommand("EXEC"))
        let replies = try await pipelineTransaction(block)
        return try RedisClient.execResult(replies)
    }

    /// The EXEC reply out of the replies to MULTI, the queued commands and EXEC.
    static func execResult(_ replies: [RedisValue]) throws(RedisError) -> [RedisValue] {
        guard let multi = replies.first, let exec = replies.last, replies.count >= 2 else {
            throw .protocolViolation("transaction: expected replies to MULTI and EXEC, got \(replies.count)")
        }
        if case .error(let message) = multi { throw .reply("MULTI failed: \(message)") }
        switch exec {
        case .array(let elements):
            return elements
        case .null:
            throw .transactionAborted
        case .error(let message):
            // EXECABORT alone does not say which command was wrong; the queued reply does.
            let queued = replies.dropFirst().dropLast().lazy.compactMap(\.errorMessage).first
            throw .reply(queued.map { "\(message) (\($0))" } ?? message)
        default:
            throw .protocolViolation("transaction: EXEC replied \(exec)")
        }
    }
}
