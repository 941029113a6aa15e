import ArgumentParser
import Foundation
import NotifyCore
import NotifyStore
import ProviderSim
import Redis
import Transport

#if canImport(Glibc)
import Glibc
#endif

/// `notifyme chaos`: notifications flow while worker processes are killed, Redis restarts and a provider fails;
/// at the end nothing is lost and no resident got the same notification twice.
struct Chaos: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Kill workers, restart Redis and fail a provider while notifications flow; check nothing is lost or sent twice.",
        discussion: """
        Starts a redis-server (AOF on, appendfsync always), the provider simulator and
        an SMTP server (email's provider) in this process, and NotifyMe as separate
        processes of this executable: `api`, and `worker` fanout, sms, email, push
        and scheduler. It registers synthetic
        residents (half SMS, a quarter email, a quarter push), publishes events naming
        them (retrying each with its Idempotency-Key until it is accepted) and, while
        the notifications flow:
          kills a random NotifyMe process with SIGKILL --kills times, each restarted
            after a moment;
          kills redis-server with SIGKILL once and starts it again on the same AOF
            (given a Redis Cluster with --redis instead, moves --reshard-slots slots
            between two of its masters with redis-cli --cluster reshard);
          makes the SMS gateway answer 503 for --outage seconds.
        The moments are drawn from --seed, as shares of the notifications settled.
        Then it waits until every notification is settled, every queue entry is
        finished (a send cut off between its record and its ack is taken over
        after the visibility timeout) and any receipt whose recording the
        disruptions cut off is finished by the expiry sweep (a minute later).
        It then checks, from the records, the dead-letter streams and the
        simulators' counts (SMS by number, push by token, email by Message-ID):
          lost        recipients of an accepted event with no notification, or one
                      still unsettled at the end;
          duplicates  residents the SMS gateway or FCM received more than one message
                      for (each resident gets one);
          email       residents the SMTP server got an email for twice: at most the
                      sends in flight (32) of each email worker killed (SMTP has no
                      idempotency key, so a worker killed between the server's
                      acceptance and its record sends again, same Message-ID);
          unfounded   notifications recorded as accepted that their provider never
                      received;
          unlettered  failed notifications missing from the dead-letter stream;
          drift       each event's counts by status against its notifications'
                      statuses, summed.
        Exit codes: 0 every check held, 1 a check failed or the run did not finish
        (figures and logs printed), 64 usage.
        """
    )

    /// Sends in flight per channel in each worker process: at most this many emails go out twice when an email worker is killed.
    static let concurrency = 32

    @Option(help: "Notifications in all (one per resident).")
    var notifications = 50_000
    @Option(name: .customLong("per-event"), help: "Recipients named in each published event (at most 10,000).")
    var perEvent = 1_000
    @Option(help: "Events published per second.")
    var publishRate = 4.0
    @Option(help: "NotifyMe processes killed with SIGKILL (each restarted).")
    var kills = 6
    @Option(help: "Seconds the SMS gateway answers 503 (0: no outage).")
    var outage = 8
    @Option(help: "Random seed for which process dies and when (default: from the clock; printed).")
    var seed: UInt64?
    @Option(help: "Seconds to wait for every notification to settle after the last disruption.")
    var timeout = 600
    @Option(help: "Use this Redis (an empty one) instead of starting one: redis://host:port, or redis+cluster://host:port,... for a Redis Cluster. A given Redis is not restarted; a cluster has --reshard-slots slots moved between two masters mid-run instead.")
    var redis: String?
    @Option(name: .customLong("reshard-slots"), help: "Slots moved mid-run on a given Redis Cluster.")
    var reshardSlots = 2000
    @Option(help: "Streams per channel queue (workers.partitions) in the NotifyMe processes.")
    var partitions = 1
    @Option(help: "Write the JSON summary to this file; '-' writes it to stdout and the readable lines to stderr.")
    var json: String?
    @Flag(help: "Keep the working folder (configuration, logs, Redis data) and print where it is.")
    var keep = false

    func validate() throws {
        guard notifications > 0, (1...10_000).contains(perEvent) else {
            throw ValidationError("--notifications must be positive and --per-event between 1 and 10,000")
        }
        guard notifications <= 4 * BenchCohort.maxSize else { throw ValidationError("--notifications is at most \(4 * BenchCohort.maxSize)") }
        guard publishRate > 0, kills >= 0, outage >= 0, timeout > 0 else {
            throw ValidationError("--publish-rate and --timeout must be positive, --kills and --outage not negative")
        }
        guard (1...256).contains(partitions), (1...16384).contains(reshardSlots) else {
            throw ValidationError("--partitions must be between 1 and 256 and --reshard-slots between 1 and 16,384")
        }
    }

    func run() async throws {
        signal(SIGPIPE, SIG_IGN)
        var base = try CLI.loadConfiguration()
        let logger = CLI.bootstrapLogging(level: "error", format: base.logFormat)
        let report = BenchReport(toStderr: json == "-")
        let seed = seed ?? UInt64(Date().timeIntervalSince1970 * 1000)
        let folder = try BenchFolder.create("chaos", keep: keep, report: report)
        defer { folder.cleanup() }
        let directory = folder.path
        // Every write acknowledged is on disk before the reply, so a SIGKILL of Redis may lose nothing that was accepted.
        base.dataDir = "\(directory)/redis"
        base.redis.url = ""
        base.redis.appendfsync = .always
        let own = redis == nil ? try ChaosRedis(config: base, logger: logger) : nil
        defer { own?.stop() }
        let redisURL = redis ?? own?.url ?? ""
        let cluster = (try? RedisConfiguration(url: redisURL))?.isCluster ?? false
        let transport = CurlTransport(logger: logger)
        defer { transport.shutdown() }
        let http = BenchHTTP(transport: transport)
        // An 8 s lease: a killed worker's entries come back within seconds, and a worker whose provider accepted a send
        // while Redis restarted has half of it (4 s) to record that, as it has 30 s with the default lease of a minute.
        let workers = BenchWorkers(fanout: 1, fanoutBatch: 500, concurrency: Self.concurrency, redisPool: 8, partitions: partitions, visibilityTimeout: "8s",
                                   maxAttempts: 4, retry: (base: "250ms", cap: "2s"))
        let simulator = SimulatorConfiguration(credentialsDirectory: "\(directory)/simulator")
        var rng = SeededGenerator(seed: seed)
        let redisStep: ChaosPlan.RedisStep = own != nil ? .restart : cluster ? .reshard(slots: reshardSlots) : .none
        let plan = ChaosPlan.draw(kills: kills, outage: outage, redis: redisStep, using: &rng)
        let redisLine = switch redisStep {
        case .restart: "one Redis restart"
        case .reshard(let slots): "\(slots) cluster slots moved, \(partitions) partitions per channel queue"
        case .none: "the given Redis left alone"
        }
        report.line("notifyme chaos: \(BenchReport.number(Double(notifications))) notifications, \(kills) kills, \(redisLine), "
            + (outage > 0 ? "a \(outage) s gateway outage" : "no outage") + "; seed \(seed)")
        let summary = try await SMTPSimulator.withRunning(logger: logger) { smtp in
            try await ProviderSimulator.withRunning(simulator, logger: logger) { sim in
                let stack = try BenchStack.make(base: base, redisURL: redisURL, redisPid: own?.pid, directory: directory, sim: sim,
                                                smtp: smtp, workers: workers, logger: logger)
                defer { stack.redis.close() }
                let run = ChaosRun(stack: stack, sim: sim, smtp: smtp, redis: own, http: http, report: report, plan: plan,
                                   notifications: notifications, perEvent: perEvent, publishRate: publishRate, timeout: .seconds(timeout))
                do { return try await run.execute() } catch {
                    while ChildRegistry.shared.isInterrupted { try? await Task.sleep(for: .seconds(1)) }
                    throw error
                }
            }
        }
        var final = summary
        final.seed = seed
        try report.summary(try final.json(), to: json)
        guard final.passed else { throw CLI.fail("chaos: \(final.problems.joined(separator: "; "))") }
        report.line("every check held")
    }
}
