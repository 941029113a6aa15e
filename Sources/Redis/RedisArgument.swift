/// Anything that can be a command argument: it becomes one binary-safe byte string.
public protocol RedisArgument: Sendable {
    var redisBytes: [UInt8] { get }
    /// Appends the same bytes as `redisBytes` to a command's buffer, without an array of their own.
    func appendRedisBytes(to buffer: inout [UInt8])
}

extension RedisArgument {
    public func appendRedisBytes(to buffer: inout [UInt8]) { buffer.append(contentsOf: redisBytes) }
}

extension String: RedisArgument {
    public var redisBytes: [UInt8] { Array(utf8) }
    public func appendRedisBytes(to buffer: inout [UInt8]) { buffer.append(contentsOf: utf8) }
}

extension Substring: RedisArgument {
    public var redisBytes: [UInt8] { Array(utf8) }
    public func appendRedisBytes(to buffer: inout [UInt8]) { buffer.append(contentsOf: utf8) }
}

extension Int: RedisArgument {
    public var redisBytes: [UInt8] { Array(String(self).utf8) }
    public func appendRedisBytes(to buffer: inout [UInt8]) { buffer.append(contentsOf: String(self).utf8) }
}

extension Int64: RedisArgument {
    public var redisBytes: [UInt8] { Array(String(self).utf8) }
}

extension UInt64: RedisArgument {
    public var redisBytes: [UInt8] { Array(String(self).utf8) }
}

extension Double: RedisArgument {
    /// Swift's shortest round-trip form; Redis parses it (including `inf` and `-inf`) with strtold.
    public var redisBytes: [UInt8] { Array(String(self).utf8) }
}

extension Array: RedisArgument where Element == UInt8 {
    public var redisBytes: [UInt8] { self }
    public func appendRedisBytes(to buffer: inout [UInt8]) { buffer.append(contentsOf: self) }
}

extension Bool: RedisArgument {
    /// `"1"` or `"0"`.
    public var redisBytes: [UInt8] { self ? [UInt8(ascii: "1")] : [UInt8(ascii: "0")] }
    public func appendRedisBytes(to buffer: inout [UInt8]) { buffer.append(self ? UInt8(ascii: "1") : UInt8(ascii: "0")) }
}
