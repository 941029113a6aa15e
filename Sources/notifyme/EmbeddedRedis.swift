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
    /// False for a server adopted from a killed run: it cannot be reaped with waitpid.
    let isChild: Bool

    private init(pid: pid_t, socket: String, logger: Logger, isChild: Bool) {
        self.pid = pid
        self.socket = socket
        self.logger = logger
        self.isChild = isChild
    }

    /// The longest field value a hash may hold and stay a listpack (Redis's default is 64 bytes). A notification's
    /// timeline lines and message body are longer, so with the default its record turns into a hashtable at its
    /// first move: about 1.2 KB more memory for each notification kept, and a slower AOF rewrite.
    static let listpackValueLimit = 1024

    /// How much the AOF grows, in percent of its size after the last rewrite, before Redis rewrites it (Redis's default
    /// is 100). A rewrite copies the whole dataset in a forked process, on the cores the delivery shares: a 40,000-SMS run
    /// with one rewrite in it gave 8,700-9,500 SMS per second, without one 9,500-10,200. Rewriting at four times the size
    /// instead of twice spends a third of that CPU per notification sent; the AOF takes up to four times the dataset on disk.
    /// `notifyme run` also has it rewritten at twice while Redis is quiet (`AOFCompactor`), out of any burst's way.
    static let rewriteGrowthPercent = 300

    /// Starts the server, or returns nil when one already answers on the socket (`exclusive` makes that an error).
    static func start(config: NotifyConfiguration, logger: Logger, exclusive: Bool) throws -> EmbeddedRedis? {
        let dataDir = config.absoluteDataDir
        let socket = config.embeddedRedisSocket
        try FileManager.default.createDirectory(atPath: dataDir, withIntermediateDirectories: true)
        let ownerFile = "\(dataDir)/notifyme.pid", redisPidFile = "\(dataDir)/redis.pid"
        if UnixSocketPing.ping(socket) {
            guard exclusive else { return nil }
            if let owner = readPid(ownerFile), owner != getpid(), ProcessSpawn.isAlive(owner) {
                throw CLI.fail("another NotifyMe (pid \(owner)) already runs on \(dataDir); stop it or set NOTIFYME_DATA_DIR")
            }
            // The previous run was killed outright and left its Redis behind: take it over.
            guard let orphan = readPid(redisPidFile) else {
                throw CLI.fail("a Redis answers on \(socket) but \(redisPidFile) is missing; stop it or set NOTIFYME_DATA_DIR")
            }
            try writePid(getpid(), to: ownerFile)
            logger.warning("took over the embedded redis-server a previous run left behind", metadata: ["pid": "\(orphan)"])
            return EmbeddedRedis(pid: orphan, socket: socket, logger: logger, isChild: false)
        }
        if exclusive { try writePid(getpid(), to: ownerFile) }
        try? FileManager.default.removeItem(atPath: socket)
        // `rdbcompression no`: an AOF rewrite writes the dataset in RDB form, and compressing its values (LZF) was a
        // third of the rewrite's CPU, taken from the cores the delivery shares; the file is about a sixth larger instead.
        let args = [
            config.redis.serverBinary, "--port", "0", "--unixsocket", socket, "--unixsocketperm", "700",
            "--dir", dataDir, "--appendonly", "yes", "--appendfsync", config.redis.appendfsync.rawValue,
            "--hash-max-listpack-value", String(EmbeddedRedis.listpackValueLimit), "--rdbcompression", "no",
            "--auto-aof-rewrite-percentage", String(EmbeddedRedis.rewriteGrowthPercent),
            "--save", "", "--daemonize", "no", "--logfile", "\(dataDir)/redis.log", "--pidfile", redisPidFile,
        ]
        let pid: pid_t
        do { pid = try ProcessSpawn.spawn(args) } catch {
            throw CLI.fail("\(error); install redis-server or set redis.server")
        }
        let server = EmbeddedRedis(pid: pid, socket: socket, logger: logger, isChild: true)
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
        // A stale owner file could name a pid the system later gives to another program.
        try? FileManager.default.removeItem(atPath: (socket as NSString).deletingLastPathComponent + "/notifyme.pid")
        guard kill(pid, 0) == 0 else { return }
        kill(pid, SIGTERM)
        var status: Int32 = 0
        for _ in 0..<200 {
            if isChild ? waitpid(pid, &status, WNOHANG) == pid : kill(pid, 0) != 0 {
                logger.info("embedded redis-server stopped")
                return
            }
            usleep(50_000)
        }
        kill(pid, SIGKILL)
        if isChild { waitpid(pid, &status, 0) }
        logger.warning("embedded redis-server did not stop in 10 s and was killed")
    }

    private static func readPid(_ path: String) -> pid_t? {
        (try? String(contentsOfFile: path, encoding: .utf8)).flatMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    private static func writePid(_ pid: pid_t, to path: String) throws {
        try "\(pid)\n".write(toFile: path, atomically: true, encoding: .utf8)
    }
}
