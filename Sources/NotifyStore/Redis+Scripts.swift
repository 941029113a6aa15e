import Redis

extension RedisClient {
    /// Runs one script for many key/argument sets in a single pipeline; loads it once on NOSCRIPT.
    func evalshaPipeline(_ script: RedisScript, calls: [(keys: [String], args: [any RedisArgument])]) async throws -> [RedisValue] {
        guard !calls.isEmpty else { return [] }
        let commands = calls.map { call in
            RedisCommand("EVALSHA", [script.sha1, call.keys.count] + call.keys.map { $0 as any RedisArgument } + call.args)
        }
        var replies = try await pipeline(commands)
        let missing = replies.indices.filter { if case .error(let m) = replies[$0] { return m.hasPrefix("NOSCRIPT") } else { return false } }
        if !missing.isEmpty {
            _ = try await send("SCRIPT", "LOAD", script.source)
            let retried = try await pipeline(missing.map { commands[$0] })
            for (i, reply) in zip(missing, retried) { replies[i] = reply }
        }
        return replies
    }
}
