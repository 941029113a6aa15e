import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Loopback helpers: free ports, readiness polling, temporary folders.
public enum Loopback {
    /// A TCP port on 127.0.0.1 that was free a moment ago (bind to 0, read, close).
    public static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestSupportError("socket() failed") }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw TestSupportError("bind() failed") }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    /// True once something accepts TCP connections on 127.0.0.1:`port`.
    public static func isListening(port: Int) -> Bool {
        guard let connection = try? RawConnection(port: port) else { return false }
        connection.close()
        return true
    }

    /// Polls `condition` every 20 ms until it holds or `timeout` seconds pass.
    public static func waitUntil(timeout: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition() { return true }
            usleep(20_000)
        }
        return condition()
    }

    /// A fresh folder under this test process's scratch root (see `scratchRoot`).
    public static func temporaryDirectory(_ prefix: String) throws -> URL {
        let url = scratchRoot.appendingPathComponent("\(prefix)-\(UUID().uuidString.prefix(8))", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// `nm-tests-<pid>` under the system temporary directory, removed when the process exits. Tests keep what
    /// they need to read after a failure until then; a run that was killed leaves its root behind, so the next
    /// run removes every root whose process is gone.
    static let scratchRoot: URL = {
        let temporary = FileManager.default.temporaryDirectory
        removeAbandonedRoots(in: temporary)
        atexit { try? FileManager.default.removeItem(at: Loopback.scratchRoot) }
        return temporary.appendingPathComponent("\(scratchPrefix)\(getpid())", isDirectory: true)
    }()

    private static let scratchPrefix = "nm-tests-"

    private static func removeAbandonedRoots(in temporary: URL) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: temporary.path)) ?? []
        for name in names where name.hasPrefix(scratchPrefix) {
            guard let pid = pid_t(name.dropFirst(scratchPrefix.count)) else { continue }
            // kill(pid, 0) probes without signalling: EPERM still means the process exists.
            if kill(pid, 0) == 0 || errno == EPERM { continue }
            try? FileManager.default.removeItem(at: temporary.appendingPathComponent(name, isDirectory: true))
        }
    }
}
