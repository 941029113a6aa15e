import Foundation
import Logging
import NotifyConfig

#if canImport(Glibc)
import Glibc
#endif

/// The redis-server of a chaos run, which the run kills outright and starts again on the same data folder.
final class ChaosRedis: @unchecked Sendable {
    // @unchecked: `server` is only read or replaced while holding `lock`.
    private let lock = NSLock()
    private var server: EmbeddedRedis?
    private let config: NotifyConfiguration
    private let logger: Logger

    /// The unix socket URL, the same across restarts.
    var url: String { config.effectiveRedisURL }
    var pid: pid_t? { lock.withLock { server?.pid } }

    init(config: NotifyConfiguration, logger: Logger) throws {
        self.config = config
        self.logger = logger
        try start()
    }

    /// SIGKILL: no shutdown, no final AOF flush; only what `appendfsync` already wrote survives.
    func crash() {
        guard let pid = lock.withLock({ () -> pid_t? in defer { server = nil }; return server?.pid }) else { return }
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        ChildRegistry.shared.remove(pid)
    }

    /// Starts redis-server on the data folder (loading its AOF); waits until it answers.
    func start() throws {
        guard let started = try EmbeddedRedis.start(config: config, logger: logger, exclusive: true) else {
            throw CLI.fail("a redis-server already answers on \(config.embeddedRedisSocket)")
        }
        ChildRegistry.shared.add(started.pid)
        lock.withLock { server = started }
    }

    /// Graceful stop, at the end of the run.
    func stop() {
        guard let s = lock.withLock({ () -> EmbeddedRedis? in defer { server = nil }; return server }) else { return }
        s.stop()
        ChildRegistry.shared.remove(s.pid)
    }
}
