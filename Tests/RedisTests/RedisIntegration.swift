import Foundation
import NotifyTestSupport
import Redis
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Parent of every suite that talks to a real redis-server: one at a time, so timings are meaningful.
@Suite(.serialized, .timeLimit(.minutes(2)))
enum RedisIntegration {
    static func client(_ server: RedisServer, poolSize: Int = 4, path: String = "", commandTimeout: Duration = .seconds(5)) throws -> RedisClient {
        let configuration = try RedisConfiguration(url: server.url + path, commandTimeout: commandTimeout)
        return RedisClient(configuration: configuration, poolSize: poolSize)
    }

    /// Runs `body` and returns its result with the time it took.
    static func timed<T>(_ body: () async throws -> T) async rethrows -> (T, Duration) {
        let start = ContinuousClock.now
        let value = try await body()
        return (value, ContinuousClock.now - start)
    }
}

/// A TCP listener whose accept queue is full, so a connect to it hangs until the client's timeout.
final class StuckListener {
    let port: Int
    private let listenFD: Int32
    private let fillerFD: Int32

    init() throws {
        let listenFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.listenFD = listenFD
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listenFD, $0, length) == 0 && listen(listenFD, 0) == 0 && getsockname(listenFD, $0, &length) == 0
            }
        }
        guard ok else { throw TestSupportError("cannot set up a listener") }
        port = Int(UInt16(bigEndian: addr.sin_port))
        // One connection that is never accepted fills a backlog of 0; later SYNs are dropped.
        let fillerFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.fillerFD = fillerFD
        let connected = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fillerFD, $0, length) }
        }
        guard connected == 0 else { throw TestSupportError("cannot fill the listener's backlog") }
    }

    deinit {
        close(fillerFD)
        close(listenFD)
    }
}
