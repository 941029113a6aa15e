/// An error from the Redis client: connection trouble, a timeout, or an error reply from the server.
public struct RedisError: Error, CustomStringConvertible, Sendable, Hashable {
    private enum Code: Sendable, Hashable {
        case connection
        case timeout
        case reply
        case protocolViolation
        case closed
        case configuration
        case transactionAborted
    }

    private let code: Code
    /// What went wrong, in words (never carries a password).
    public var message: String

    private init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// Could not connect, or the connection dropped (EOF, I/O error).
    public static func connection(_ message: String) -> RedisError { RedisError(.connection, message) }
    /// A command did not complete within its timeout; the connection was discarded.
    public static func timeout(_ message: String) -> RedisError { RedisError(.timeout, message) }
    /// The server answered with an error reply (`-ERR ...`).
    public static func reply(_ message: String) -> RedisError { RedisError(.reply, message) }
    /// The server sent something hiredis could not parse; the connection was discarded.
    public static func protocolViolation(_ message: String) -> RedisError { RedisError(.protocolViolation, message) }
    /// The connection or client was closed by its owner.
    public static let closed = RedisError(.closed, "the Redis connection is closed")
    /// A configuration (URL) is malformed.
    public static func configuration(_ message: String) -> RedisError { RedisError(.configuration, message) }
    /// EXEC returned nil: the transaction was aborted (a WATCHed key changed).
    public static let transactionAborted = RedisError(.transactionAborted, "transaction aborted: EXEC returned nil")

    /// The connection is unusable: refused, dropped, EOF, I/O error, garbled stream, or closed.
    public var isConnectionError: Bool {
        switch code {
        case .connection, .protocolViolation, .closed: true
        default: false
        }
    }
    /// The command timed out (its connection was discarded because its reply stream is out of sync).
    public var isTimeout: Bool { code == .timeout }
    /// The server replied with an error.
    public var isReply: Bool { code == .reply }
    /// The connection or client was closed by its owner.
    public var isClosed: Bool { code == .closed }
    /// The configuration (URL) is malformed.
    public var isConfiguration: Bool { code == .configuration }
    /// EXEC returned nil.
    public var isTransactionAborted: Bool { code == .transactionAborted }
    /// An error reply starting with NOSCRIPT (EVALSHA for a script the server does not have).
    public var isNoScript: Bool { code == .reply && message.hasPrefix("NOSCRIPT") }
    /// An error reply starting with BUSYGROUP (XGROUP CREATE for a group that exists).
    public var isBusyGroup: Bool { code == .reply && message.hasPrefix("BUSYGROUP") }

    /// What kind of failure this was, safe for any log: for an error reply only its code word
    /// (`NOSCRIPT`, `OOM`, `LOADING`, ...), never the rest of the server's text, which can quote keys.
    public var summary: String {
        switch code {
        case .connection: "connection"
        case .timeout: "timeout"
        case .reply: "reply " + (message.split(separator: " ", maxSplits: 1).first.map(String.init) ?? "")
        case .protocolViolation: "protocol"
        case .closed: "closed"
        case .configuration: "configuration"
        case .transactionAborted: "transaction aborted"
        }
    }

    public var description: String {
        switch code {
        case .connection: "Redis connection error: \(message)"
        case .timeout: "Redis timeout: \(message)"
        case .reply: "Redis error reply: \(message)"
        case .protocolViolation: "Redis protocol error: \(message)"
        case .closed: "Redis: \(message)"
        case .configuration: "Redis configuration error: \(message)"
        case .transactionAborted: "Redis: \(message)"
        }
    }
}
