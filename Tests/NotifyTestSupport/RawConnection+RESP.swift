import Foundation

#if canImport(Glibc)
import Glibc
#endif

extension RawConnection {
    /// Sends one Redis command and returns its reply if it is a bulk string (nil for a null reply, an error, or
    /// no whole reply within `timeout` seconds). Blocking: for a watcher on its own thread, which keeps polling
    /// when the test process's cooperative pool is busy.
    public func redisBulk(_ arguments: [String], timeout: Double = 5) -> String? {
        var command = "*\(arguments.count)\r\n"
        for argument in arguments { command += "$\(argument.utf8.count)\r\n\(argument)\r\n" }
        guard send(command) else { return nil }
        var received: [UInt8] = []
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let reply = Self.bulk(in: received) { return reply }
            guard let more = receive(until: deadline), !more.isEmpty else { return nil }
            received += more
        }
        return nil
    }

    /// The bulk reply at the start of `bytes` (`.some(nil)` for `$-1` or an error), or nil while it is incomplete.
    static func bulk(in bytes: [UInt8]) -> String?? {
        guard let headEnd = bytes.firstRange(of: [13, 10]) else { return nil }
        let head = String(decoding: bytes[..<headEnd.lowerBound], as: UTF8.self)
        guard head.hasPrefix("$"), let size = Int(head.dropFirst()), size >= 0 else { return .some(nil) }
        let end = headEnd.upperBound + size + 2
        guard bytes.count >= end else { return nil }
        return String(decoding: bytes[headEnd.upperBound..<(end - 2)], as: UTF8.self)
    }
}
