import Foundation
import Logging
import NotifyConfig

#if canImport(Glibc)
import Glibc
#endif

/// The private redis-server `notifyme run` starts under the data directory: unix socket only, AOF on.
///
/// It runs in its own process group so a Ctrl-C in the terminal reaches NotifyMe alone;
/// NotifyMe stops Redis last, after the workers have handed back their work.
final class EmbeddedRedis: Sendable {
    let pid: pid_t
    let socket: String
    let logger: Logger

    private init(pid: pid_t, socket: String, logger: Logger) {
        self.pid = pid
        self.socket = socket
        self.logger = logger
    }

    /// Starts the server, or returns nil when one already answers on the socket (`exclusive` makes that an error).
    static func start(config: NotifyConfiguration, logger: Logger, exclusive: Bool) throws -> EmbeddedRedis? {
        let dataDir = config.absoluteDataDir
        let socket = config.embeddedRedisSocket
        try FileManager.default.createDirectory(atPath: dataDir, withIntermediateDirectories: true)
        if UnixSocketPing.ping(socket) {
            if exclusive { throw CLI.fail("another NotifyMe already uses the Redis at \(socket); stop it or set NOTIFYME_DATA_DIR") }
            return nil
        }
        try? FileManager.default.removeItem(atPath: socket)
        let args = [
            config.redis.serverBinary, "--port", "0", "--unixsocket", socket, "--unixsocketperm", "700",
            "--dir", dataDir, "--appendonly", "yes", "--appendfsync", config.redis.appendfsync.rawValue,
            "--save", "", "--daemonize", "no", "--logfile", "\(dataDir)/redis.log",
        ]
        let pid = try spawn(args)
        let server = EmbeddedRedis(pid: pid, socket: socket, logger: logger)
        let deadline = Date().addingTimeInterval(15)
        while Date() < deadline {
            if UnixSocketPing.ping(socket) {
                logger.info("embedded redis-server started", metadata: ["socket": "\(socket)", "pid": "\(pid)"])
                return server
            }
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid {
                throw CLI.fail("redis-server exited at start; see \(dataDir)/redis.log")
            }
            usleep(50_000)
        }
        server.stop()
        throw CLI.fail("redis-server did not answer on \(socket) within 15 s; see \(dataDir)/redis.log")
    }

    /// SIGTERM (Redis flushes the AOF and exits), then SIGKILL if it hangs. Idempotent.
    func stop() {
        guard kill(pid, 0) == 0 else { return }
        kill(pid, SIGTERM)
        var status: Int32 = 0
        for _ in 0..<200 {
            if waitpid(pid, &status, WNOHANG) == pid {
                logger.info("embedded redis-server stopped")
                return
            }
            usleep(50_000)
        }
        kill(pid, SIGKILL)
        waitpid(pid, &status, 0)
        logger.warning("embedded redis-server did not stop in 10 s and was killed")
    }

    /// posix_spawnp with its own process group and default signal handling.
    private static func spawn(_ args: [String]) throws -> pid_t {
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        posix_spawnattr_setpgroup(&attr, 0)
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attr, &none)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        sigaddset(&defaults, SIGINT)
        sigaddset(&defaults, SIGTERM)
        posix_spawnattr_setsigdefault(&attr, &defaults)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var cargs: [UnsafeMutablePointer<CChar>?] = args.map { strdup($0) } + [nil]
        defer { for p in cargs { free(p) } }
        var pid: pid_t = 0
        let rc = posix_spawnp(&pid, args[0], nil, &attr, &cargs, environ)
        guard rc == 0 else { throw CLI.fail("cannot start \(args[0]): \(String(cString: strerror(rc))); install redis-server or set redis.server") }
        return pid
    }
}
