/// A Lua script with its SHA-1 (the EVALSHA name) computed locally.
public struct RedisScript: Sendable, Hashable {
    public let source: String
    /// Lowercase hex, as SCRIPT LOAD returns it.
    public let sha1: String

    public init(_ source: String) {
        self.source = source
        self.sha1 = SHA1.hexDigest(Array(source.utf8))
    }
}
