import Redis

/// A storage failure the caller cannot fix: Redis said something unexpected.
public struct StoreError: Error, CustomStringConvertible, Sendable {
    private enum Code: Sendable { case unexpectedReply, corruptRecord, badKey }
    private let code: Code
    public let detail: String

    private init(_ code: Code, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    static func unexpected(_ what: String, _ value: RedisValue) -> StoreError {
        StoreError(.unexpectedReply, "unexpected reply to \(what): \(value)")
    }
    /// Throws ``unexpected(_:_:)`` for the first error among a pipeline's `replies`, if any.
    static func check(_ replies: [RedisValue], _ what: String) throws {
        if let failed = replies.first(where: { $0.errorMessage != nil }) { throw unexpected(what, failed) }
    }
    static func badKey(_ why: String) -> StoreError { StoreError(.badKey, why) }
    static func corrupt(_ key: String, _ why: String) -> StoreError { StoreError(.corruptRecord, "record \(key) is unreadable: \(why)") }

    public var description: String { detail }
}
