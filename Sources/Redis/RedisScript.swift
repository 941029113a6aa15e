/// A Lua script with its SHA-1 (the EVALSHA name) computed locally.
public struct RedisScript: Sendable, Hashable {
    public let source: String
    /// Lowercase hex, as SCRIPT LOAD returns it.
    public let sha1: String

    public init(_ source: String) {
        self.source = source
        self.sha1 = SHA1.hexDigest(Array(source.utf8))
    }

    /// The EVALSHA that runs this script over `keys` with `args`.
    public func evalsha(keys: [String], args: [any RedisArgument]) -> RedisCommand {
        var command = RedisCommand("EVALSHA", sha1, keys.count)
        for key in keys { command.append(key) }
        for arg in args { command.append(arg) }
        return command
    }
}
