import Redis

extension RedisClient {
    /// Runs one script for many key/argument sets in a single pipeline; a call that finds the script missing runs
    /// again as EVAL, which caches it on that server (on a cluster each node has its own script cache).
    func evalshaPipeline(_ script: RedisScript, calls: [(keys: [String], args: [any RedisArgument])]) async throws -> [RedisValue] {
        try await evalshaPipeline(script, commands: calls.map { script.evalsha(keys: $0.keys, args: $0.args) })
    }

    /// ``evalshaPipeline(_:calls:)`` for EVALSHA commands of `script` built elsewhere.
    func evalshaPipeline(_ script: RedisScript, commands: [RedisCommand]) async throws -> [RedisValue] {
        guard !commands.isEmpty else { return [] }
        var replies = try await pipeline(commands)
        let missing = replies.indices.filter { if case .error(let m) = replies[$0] { return m.hasPrefix("NOSCRIPT") } else { return false } }
        if !missing.isEmpty {
            let retried = try await pipeline(missing.map { index in
                var command = commands[index]
                command.arguments[0] = Array("EVAL".utf8)
                command.arguments[1] = Array(script.source.utf8)
                return command
            })
            for (i, reply) in zip(missing, retried) { replies[i] = reply }
        }
        return replies
    }
}
