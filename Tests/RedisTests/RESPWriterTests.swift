@testable import Redis
import Testing

@Suite struct RESPWriterTests {
    @Test func commandsAreWrittenInRESPBackToBack() {
        let value = Array(repeating: UInt8(ascii: "x"), count: 120) + [13, 10, 0]
        let commands = [RedisCommand("SET", "k", value), RedisCommand("HSET", "h", "", 1_234_567)]
        let written = RESPWriter().withFormatted(commands) { bytes, count in
            Array(UnsafeRawBufferPointer(start: bytes, count: count))
        }
        let expected = Array("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$123\r\n".utf8) + value + Array("\r\n".utf8)
            + Array("*4\r\n$4\r\nHSET\r\n$1\r\nh\r\n$0\r\n\r\n$7\r\n1234567\r\n".utf8)
        #expect(written == expected)
    }

    @Test func aWriterReusedForASmallerPipelineWritesOnlyIt() {
        let writer = RESPWriter()
        _ = writer.withFormatted([RedisCommand("PING", String(repeating: "p", count: 2_000))]) { _, count in count }
        let written = writer.withFormatted([RedisCommand("PING")]) { bytes, count in
            String(decoding: UnsafeRawBufferPointer(start: bytes, count: count), as: UTF8.self)
        }
        #expect(written == "*1\r\n$4\r\nPING\r\n")
    }
}
