/// Writes commands in the Redis protocol (RESP) into one reusable buffer, owned by one connection thread.
///
/// A pipeline reaches hiredis as one block of bytes (`redisAppendFormattedCommand`): formatting each argument with
/// hiredis's printf-like `sdscatfmt` (`redisAppendCommandArgv`) was an eighth of a fan-out worker's CPU.
final class RESPWriter {
    private var buffer: [UInt8] = []
    /// Capacity kept between round trips; the buffer of a larger pipeline is released after it.
    private static let retainedCapacity = 1 << 20

    /// Calls `body` with `commands` in RESP, back to back; the pointer is valid only inside `body`.
    func withFormatted<Result>(_ commands: some Sequence<RedisCommand>, _ body: (UnsafePointer<CChar>, Int) -> Result) -> Result {
        buffer.removeAll(keepingCapacity: buffer.capacity <= Self.retainedCapacity)
        for command in commands { Self.append(command, to: &buffer) }
        return buffer.withUnsafeBufferPointer { bytes in
            bytes.withMemoryRebound(to: CChar.self) { chars in
                guard let base = chars.baseAddress else { return body("", 0) }
                return body(base, chars.count)
            }
        }
    }

    /// `*<count>\r\n`, then `$<length>\r\n<bytes>\r\n` for the name and each argument.
    static func append(_ command: RedisCommand, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "*"))
        appendDecimal(command.count, to: &out)
        command.storage.withUnsafeBufferPointer { bytes in
            var start = 0
            for end in command.ends {
                out.append(UInt8(ascii: "$"))
                appendDecimal(end - start, to: &out)
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<end]))
                out.append(13)
                out.append(10)
                start = end
            }
        }
    }

    /// `value` (never negative here: a count or a length) in decimal, then CRLF.
    private static func appendDecimal(_ value: Int, to out: inout [UInt8]) {
        var divisor = 1
        while divisor <= value / 10 { divisor *= 10 }
        while divisor > 0 {
            out.append(UInt8(truncatingIfNeeded: 48 + value / divisor % 10))
            divisor /= 10
        }
        out.append(13)
        out.append(10)
    }
}
