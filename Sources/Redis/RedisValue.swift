/// A reply from Redis.
public enum RedisValue: Sendable, Hashable {
    /// A simple string such as `+OK`.
    case status(String)
    /// An error reply; appears inside pipelines and arrays (`send` throws instead).
    case error(String)
    case integer(Int)
    /// A bulk string, binary-safe.
    case bulk([UInt8])
    /// A nil bulk string or nil array.
    case null
    case array([RedisValue])

    /// A status, or a bulk string that is valid UTF-8.
    public var string: String? {
        switch self {
        case .status(let text): return text
        case .bulk(let bytes): return RedisValue.utf8String(bytes)
        default: return nil
        }
    }

    /// An integer, or a bulk string / status that parses as one.
    public var int: Int? {
        switch self {
        case .integer(let value): return value
        case .bulk(let bytes): return RedisValue.parseInt(bytes)
        case .status(let text): return Int(text)
        default: return nil
        }
    }

    /// The elements of an array reply.
    public var array: [RedisValue]? {
        if case .array(let elements) = self { return elements }
        return nil
    }

    /// The bytes of a bulk string (or of a status).
    public var bytes: [UInt8]? {
        switch self {
        case .bulk(let bytes): return bytes
        case .status(let text): return Array(text.utf8)
        default: return nil
        }
    }

    /// True for a nil bulk string or nil array.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }
}
