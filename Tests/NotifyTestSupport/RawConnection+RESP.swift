import Foundation

#if canImport(Glibc)
import Glibc
#endif

extension RawConnection {
    /// Sends one Redis command and returns its reply, a bulk string (nil for a null reply). Throws for an error reply,
    /// and when no whole reply came within `timeout` seconds (the connection is then closed: a late reply would be
    /// taken for the next command's). Blocking: for a watcher on its own thread, which keeps polling when the test
    /// process's cooperative pool is busy.
    public func redisBulk(_ arguments: [String], timeout: Double = 5) throws -> String? {
        var command = "*\(arguments.count)\r\n"
        for argument in arguments { command += "$\(argument.utf8.count)\r\n\(argument)\r\n" }
        guard send(command) else { throw TestSupportError("Redis closed the connection") }
        var received: [UInt8] = []
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let reply = try Self.bulk(in: received) { return reply.value }
            guard let more = receive(until: deadline), !more.isEmpty else { break }
            received += more
        }
        close()
        throw TestSupportError("no whole reply from Redis to \(arguments.first ?? "") within \(timeout) s")
    }

    /// A whole bulk reply: its value, nil for a null reply.
    struct BulkReply {
        let value: String?
    }

    /// The bulk reply at the start of `bytes`, or nil while it is incomplete.
    static func bulk(in bytes: [UInt8]) throws -> BulkReply? {
        guard let headEnd = bytes.firstRange(of: [13, 10]) else { return nil }
        let head = String(decoding: bytes[..<headEnd.lowerBound], as: UTF8.self)
        guard head.hasPrefix("$"), let size = Int(head.dropFirst()) else { throw TestSupportError("Redis replied \(head)") }
        guard size >= 0 else { return BulkReply(value: nil) }
        let end = headEnd.upperBound + size + 2
        guard bytes.count >= end else { return nil }
        return BulkReply(value: String(decoding: bytes[headEnd.upperBound..<(end - 2)], as: UTF8.self))
    }
}
