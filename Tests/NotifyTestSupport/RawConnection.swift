import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A plain TCP connection to 127.0.0.1 for tests that must misbehave as an HTTP client does: send a head byte by
/// byte, stall mid-body, never stop sending. Blocking calls: use it inside ``OffPool/run(_:)``.
public final class RawConnection: @unchecked Sendable {
    // @unchecked: one test thread owns each connection; nothing is shared.
    private let fd: Int32
    public private(set) var isOpen = true
    /// What came before an earlier ``readUntilClosed(timeout:)`` ran out of time: kept, so a reply whose head and close
    /// arrive in different calls is read whole (a 408's head was lost that way on a loaded CI machine).
    private var unread: [UInt8] = []

    public init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        // Every stored property is set from here on, so a throw runs deinit: it must find nothing left
        // to close, or it closes the number again after another thread (a Redis client connecting) reused it.
        guard fd >= 0 else {
            isOpen = false
            throw TestSupportError("socket() failed")
        }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else {
            close()
            throw TestSupportError("connect to 127.0.0.1:\(port) failed")
        }
    }

    deinit { close() }

    /// Sends all of `text`; false once the peer has closed or reset the connection.
    @discardableResult
    public func send(_ text: String) -> Bool { send(Array(text.utf8)) }

    @discardableResult
    public func send(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return false }
            offset += n
        }
        return true
    }

    /// Everything the server sends until it closes the connection, or nil if it is still open after `timeout` seconds.
    /// Bytes that came in earlier calls that ran out of time are part of it.
    public func readUntilClosed(timeout: Double) -> String? {
        let deadline = Date().addingTimeInterval(timeout)
        while let bytes = receive(until: deadline) {
            if bytes.isEmpty {
                defer { unread = [] }
                return String(decoding: unread, as: UTF8.self)
            }
            unread += bytes
        }
        return nil
    }

    /// The next bytes the server sends: empty once it has closed or reset the connection, nil if nothing came by `deadline`.
    public func receive(until deadline: Date) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: 16 << 10)
        while Date() < deadline {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let wait = Int32(max(1, deadline.timeIntervalSinceNow * 1000))
            guard poll(&pfd, 1, wait) > 0 else { continue }
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            return n <= 0 ? [] : Array(buffer[0..<n])
        }
        return nil
    }

    /// Whether the server has closed the connection (a read returns end of file or a reset) within `timeout` seconds.
    public func isClosedByPeer(within timeout: Double) -> Bool { readUntilClosed(timeout: timeout) != nil }

    public func close() {
        guard isOpen else { return }
        isOpen = false
        Glibc.close(fd)
    }
}
