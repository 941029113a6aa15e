extension RedisClient {
    /// EVALSHA; on NOSCRIPT (script cache flushed, server restarted) runs EVAL, which also caches it.
    public func evalsha(_ script: RedisScript, keys: [String], args: [any RedisArgument]) async throws -> RedisValue {
        try await evalsha(script.evalsha(keys: keys, args: args), script: script)
    }

    /// Sends an EVALSHA of `script` built elsewhere (to pipeline it too), as EVAL if the server does not have the script.
    public func evalsha(_ command: RedisCommand, script: RedisScript) async throws -> RedisValue {
        do { return try await send(command) } catch let error as RedisError where error.isNoScript {
            var again = command
            again.arguments[0] = Array("EVAL".utf8)
            again.arguments[1] = Array(script.source.utf8)
            return try await send(again)
        }
    }
}
