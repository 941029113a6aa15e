import ArgumentParser
import Foundation
import NotifyCore
import NotifyStore
import ProviderSim
import Transport

#if canImport(Glibc)
import Glibc
#endif

/// `notifyme bench`: throughput, fan-out, publish latency and memory, measured on this machine.
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure end-to-end throughput, fan-out, publish latency and memory on this machine.",
        discussion: """
        Starts a redis-server (AOF on, appendfsync everysec) unless --redis is given,
        the provider simulator and an SMTP server (email's provider) in this process,
        and NotifyMe itself as child processes of this executable (`run`, then
        `worker fanout`), then:
          latency   POST /v1/events at --rate requests per second for --seconds, open
                    loop: p50, p99, max.
          delivery  one alert to each cohort's topic (--residents each: SMS, email,
                    push, then all three mixed), timed from the POST until every
                    notification is accepted by its provider; Redis commands each,
                    CPU per notification of each process, and Redis's time by
                    command (INFO commandstats); then the cost again once Redis
                    goes quiet (with the receipts that come after acceptance), and
                    the most per second that cost allows on these cores and in Redis.
                    --cohorts picks the runs, --repeat makes each N times, --profile
                    samples where each process's CPU goes (perf).
          fanout    one alert to a topic of --topic-size residents with only fan-out
                    workers running: rate, time, Redis commands and time by command,
                    Redis memory per million queued notifications, worker memory.
          steady    (only when asked for) --steady-rate notifications per second for
                    --steady-seconds: memory of the service and of Redis at the start
                    (after warm-up) and the end, and the backlog left.
        Figures print as they come, with progress on stderr; --json writes a
        machine-readable summary. Build with `swift build -c release` for figures
        worth quoting; a debug build is several times slower.
        Exit codes: 0 measured, 1 a scenario failed (its reason and the service's log
        tail are printed), 64 usage.
        """
    )

    static let entity = "bench.entity"

    @Option(help: "Residents per channel cohort (SMS, email, push) for the delivery runs; the mixed run uses all three.")
    var residents = 20_000
    @Option(name: .customLong("topic-size"), help: "Residents in the topic of the fan-out run (at most 2,000,000).")
    var topicSize = 1_000_000
    @Option(help: "Publish requests per second in the latency run.")
    var rate = 1_000
    @Option(help: "Seconds the latency run lasts.")
    var seconds = 10
    @Option(name: .customLong("steady-rate"), help: "Notifications per second in the steady run.")
    var steadyRate = 200
    @Option(name: .customLong("steady-seconds"), help: "Seconds the steady run lasts.")
    var steadySeconds = 600
    @Option(help: "Scenarios to run, comma separated: latency, delivery, fanout, steady (not run unless named).")
    var only = "latency,delivery,fanout"
    @Option(help: "Delivery runs to make, comma separated: sms, email, push, mixed.")
    var cohorts = "sms,email,push,mixed"
    @Option(help: """
        Times each delivery run is made, a new alert each time; with more than one the median of each cohort is printed \
        too (this machine's speed can swing a fifth between runs a minute apart).
        """)
    var `repeat` = 1
    @Option(help: """
        Sends in flight per channel in the NotifyMe process (1 to 4,096). With Redis and the simulator on the same \
        two cores, 128 left a fifth of them idle, 1,024 less than a tenth.
        """)
    var concurrency = 1024
    @Option(name: .customLong("fanout-workers"), help: "Fan-out workers in the NotifyMe process.")
    var fanoutWorkers = 2
    @Option(name: .customLong("redis-pool"), help: """
        Redis connections (redis.poolSize) in the NotifyMe process; default one per core: with Redis on the same cores, \
        fewer connections carry more commands per round trip and switch threads less.
        """)
    var redisPool: Int?
    @Option(help: "Use this Redis (redis://host:port, redis+cluster://host:port,host:port or unix:///path) instead of starting one: an empty one, since synthetic residents, topics and events are written to it and counted.")
    var redis: String?
    @Option(help: "Streams per channel queue (workers.partitions) in the NotifyMe process; on a cluster, several spread the queues over the nodes.")
    var partitions = 1
    @Option(help: "Write the JSON summary to this file; '-' writes it to stdout and the readable lines to stderr.")
    var json: String?
    @Flag(help: """
    During each delivery run, sample the stacks of NotifyMe, the simulator and Redis (when the bench started it) with \
    perf, if installed, and print where each one's time went: by module, its own code with what it called, and the \
    functions that took the most themselves (perf's own cost is in that run's figures; --keep keeps its data).
    """)
    var profile = false
    @Flag(help: "Keep the working folder (configuration, logs, Redis data) and print where it is.")
    var keep = false

    var scenarios: Set<String> { Self.list(only) }
    /// The delivery runs asked for, in the order they are made.
    var deliveryRuns: [String] { Self.deliveryRunNames.filter(Self.list(cohorts).contains) }
    /// Every delivery run, in the order they are made: each cohort alone, then all three together.
    static let deliveryRunNames = [BenchCohort.sms, .email, .push].map(\.rawValue) + ["mixed"]

    private static func list(_ text: String) -> Set<String> { Set(text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }) }

    func validate() throws {
        guard scenarios.isSubset(of: ["latency", "delivery", "fanout", "steady"]), !scenarios.isEmpty else {
            throw ValidationError("--only takes latency, delivery, fanout and steady, comma separated")
        }
        guard Self.list(cohorts).isSubset(of: Self.deliveryRunNames), !Self.list(cohorts).isEmpty else {
            throw ValidationError("--cohorts takes sms, email, push and mixed, comma separated")
        }
        guard (1...100).contains(`repeat`) else { throw ValidationError("--repeat must be between 1 and 100") }
        guard !profile || scenarios.contains("delivery") else { throw ValidationError("--profile samples the delivery runs: add delivery to --only") }
        guard (1...10_000).contains(steadyRate), steadySeconds > 0 else {
            throw ValidationError("--steady-rate must be between 1 and 10,000 and --steady-seconds positive")
        }
        guard (1...BenchCohort.maxSize).contains(residents), (1...BenchCohort.maxSize).contains(topicSize) else {
            throw ValidationError("--residents and --topic-size must be between 1 and \(BenchCohort.maxSize)")
        }
        guard rate > 0, seconds > 0, (1...4096).contains(concurrency), fanoutWorkers > 0, (1...256).contains(partitions), (1...256).contains(redisPool ?? 2) else {
            throw ValidationError("--rate, --seconds and --fanout-workers must be positive, --concurrency 1 to 4096, --partitions and --redis-pool 1 to 256")
        }
    }

    func run() async throws {
        signal(SIGPIPE, SIG_IGN)
        let base = try CLI.loadConfiguration()
        // Only failures: the simulator would otherwise report every receipt the stopped service no longer takes.
        let logger = CLI.bootstrapLogging(level: "error", format: base.logFormat)
        let report = BenchReport(toStderr: json == "-")
        let folder = try BenchFolder.create("bench", keep: keep, report: report)
        defer { folder.cleanup() }
        let directory = folder.path
        var embedded: EmbeddedRedis?
        let redisURL: String
        if let redis {
            redisURL = redis
        } else {
            var config = base
            config.dataDir = "\(directory)/redis"
            config.redis.url = ""
            embedded = try EmbeddedRedis.start(config: config, logger: logger, exclusive: true)
            if let pid = embedded?.pid { ChildRegistry.shared.add(pid) }
            redisURL = config.effectiveRedisURL
        }
        defer { embedded?.stop() }
        let transport = CurlTransport(logger: logger)
        defer { transport.shutdown() }
        let http = BenchHTTP(transport: transport)
        let workers = BenchWorkers(fanout: fanoutWorkers, concurrency: concurrency,
                                   redisPool: redisPool ?? max(2, ProcessInfo.processInfo.activeProcessorCount), partitions: partitions)
        var summary = BenchSummary()
        let simulator = SimulatorConfiguration(credentialsDirectory: "\(directory)/simulator")
        try await SMTPSimulator.withRunning(logger: logger) { smtp in
            try await ProviderSimulator.withRunning(simulator, logger: logger) { sim in
                let stack = try BenchStack.make(base: base, redisURL: redisURL, redisPid: embedded?.pid, directory: directory, sim: sim,
                                                smtp: smtp, workers: workers, logger: logger)
                defer { stack.redis.close() }
                do { try await measure(stack: stack, http: http, report: report, summary: &summary) } catch {
                    // Interrupted: what failed failed because its processes were stopped; the signal handler finishes and exits.
                    while ChildRegistry.shared.isInterrupted { try? await Task.sleep(for: .seconds(1)) }
                    throw error
                }
            }
        }
        if let pid = embedded?.pid { summary.memory.redisPeakRSSBytes = ProcessSpawn.memory(of: pid)?.peak }
        if let peak = summary.memory.redisPeakRSSBytes { report.line("redis-server peak memory: \(BenchReport.bytes(Double(peak)))") }
        try report.summary(try summary.json(), to: json)
    }
}
