import Logging
import Redis
import ServiceLifecycle

/// Rewrites the embedded Redis's append-only file while the service is quiet, once the file has doubled since its last
/// rewrite. Redis itself waits until it has grown to four times that size (see `notifyme run`'s Redis), so a burst, such
/// as a national alert, starts from a compact file and seldom pays for a rewrite on the cores it shares.
public struct AOFCompactor: Service {
    let redis: RedisClient
    /// How often the file and Redis's command rate are looked at.
    let interval: Duration
    /// Commands per second, averaged over the last interval, under which Redis counts as quiet (an idle `notifyme run`
    /// polls its queues and sweeps at a few dozen).
    let quietRate: Double
    /// A smaller file is left alone, as Redis leaves one under `auto-aof-rewrite-min-size`.
    let minimumBytes: Int
    let logger: Logger

    public init(redis: RedisClient, interval: Duration = .seconds(30), quietRate: Double = 500, minimumBytes: Int = 64 << 20,
                logger: Logger) {
        self.redis = redis
        self.interval = interval
        self.quietRate = quietRate
        self.minimumBytes = minimumBytes
        self.logger = logger
    }

    public func run() async throws {
        var last: (commands: Int, at: ContinuousClock.Instant)?
        var next = ContinuousClock.now
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            if ContinuousClock.now >= next {
                next = ContinuousClock.now + interval
                do { last = try await check(since: last) } catch {
                    // Redis restarting: the rate starts over once it answers.
                    last = nil
                    logger.debug("looking at the append-only file failed", metadata: ["error": "\(error)"])
                }
            }
            // Short steps, so that a graceful shutdown is not held up by a long interval.
            try? await Task.sleep(for: min(interval, .seconds(1)))
        }
    }

    /// Looks once, rewriting if due; returns the command count to measure the next interval's rate from.
    func check(since last: (commands: Int, at: ContinuousClock.Instant)?) async throws -> (commands: Int, at: ContinuousClock.Instant) {
        let info = try await redis.send("INFO").infoFields
        let now = ContinuousClock.now
        let commands = info["total_commands_processed"].flatMap { Int($0) } ?? 0
        let rate = Self.rate(commands, at: now, since: last)
        if Self.isDue(info, commandsPerSecond: rate, quietRate: quietRate, minimumBytes: minimumBytes) {
            let reply = try await redis.send("BGREWRITEAOF")
            if case .error(let message) = reply {
                logger.debug("append-only file rewrite not started", metadata: ["reply": "\(message)"])
            } else {
                logger.info("rewriting the append-only file while quiet", metadata: [
                    "size": "\(info["aof_current_size"] ?? "")", "sizeAfterLastRewrite": "\(info["aof_base_size"] ?? "")",
                ])
            }
        }
        return (commands, now)
    }

    /// Commands per second since the last look; nil when there was none, or when the count went down (Redis restarted
    /// between the looks and counts from zero again: its rate is unknown, not quiet).
    static func rate(_ commands: Int, at now: ContinuousClock.Instant, since last: (commands: Int, at: ContinuousClock.Instant)?) -> Double? {
        guard let last, commands >= last.commands else { return nil }
        return Double(commands - last.commands) / max(0.001, ProviderHealth.seconds(now - last.at))
    }

    /// Whether to rewrite now: AOF on, no rewrite running or scheduled, the file at least `minimumBytes` and twice its size
    /// after the last rewrite, and fewer than `quietRate` commands per second over the last interval (nil: not measured yet).
    static func isDue(_ info: [Substring: Substring], commandsPerSecond rate: Double?, quietRate: Double, minimumBytes: Int) -> Bool {
        guard info["aof_enabled"] == "1", info["aof_rewrite_in_progress"] == "0", info["aof_rewrite_scheduled"] == "0",
              let current = info["aof_current_size"].flatMap({ Int($0) }), let base = info["aof_base_size"].flatMap({ Int($0) }),
              let rate else { return false }
        return current >= minimumBytes && current >= 2 * base && rate < quietRate
    }
}
