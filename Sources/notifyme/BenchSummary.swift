import Foundation

/// What `notifyme bench` measured; written as JSON at the end (`--json`).
struct BenchSummary: Codable, Sendable {
    struct Machine: Codable, Sendable {
        var cores = ProcessInfo.processInfo.activeProcessorCount
        var memoryBytes = Int(ProcessInfo.processInfo.physicalMemory)
        #if DEBUG
        var build = "debug"
        #else
        var build = "release"
        #endif
        /// Masters of the Redis measured (1: a single server).
        var redisMasters = 1
        /// Streams per channel queue.
        var partitions = 1
        /// The host's speed before the first run and after the last (``HostReference``).
        var referenceAtStart: HostReference?
        var referenceAtEnd: HostReference?
    }

    struct Seeding: Codable, Sendable {
        var cohort: String
        var residents: Int
        var seconds: Double
        var perSecond: Double
    }

    /// Publish requests sent open-loop at a fixed rate; each latency counts from when the request was due.
    struct Latency: Codable, Sendable {
        var targetRate: Int
        var requests: Int
        var errors: Int
        var achievedRate: Double
        var p50Ms: Double
        var p99Ms: Double
        var maxMs: Double
    }

    /// The processes whose CPU a delivery run counts, as named in its figures: they share the machine's cores.
    static let processes = ["service", "simulator", "redis"]

    /// One topic event from POST /v1/events until every notification was accepted by its provider.
    struct Delivery: Codable, Sendable {
        var channel: String
        /// Which of `--repeat` runs of this cohort it was, from 1.
        var round = 1
        var notifications: Int
        var seconds: Double
        var perSecond: Double
        var redisCommandsPerNotification: Double
        /// CPU time per notification of `service` (NotifyMe), `simulator` (the bench process with the provider simulator)
        /// and `redis` (with its AOF rewrites, also given alone as `redisAOFRewrites`), which all share the machine.
        var cpuMicrosecondsPerNotification: [String: Double] = [:]
        /// Cores busy on average over the run, whatever ran on them.
        var coresBusy: Double = 0
        /// Messages per batch request the SMS gateway served, on average; nil when it served none.
        var gatewayMessagesPerBatch: Double?
        /// AOF rewrites Redis started during the run (each a fork that writes the whole dataset).
        var redisAOFRewrites = 0
        /// Messages the SMTP server (email's provider) accepted during the run.
        var smtpMessages: Int?
        /// Redis's time per notification in each command (`INFO commandstats`), most first.
        var redisCommandCosts: [CommandCost] = []
        /// The run's cost with what it left going once timed (receipts and their counts), until Redis went quiet.
        var tail: Tail?
        /// Where each process's CPU went during the timed window, by process (`--profile`).
        var profile: [String: Profile]?
    }

    /// A delivery run's cost counted until Redis goes quiet after it, not only until the last acceptance: the figure
    /// that settings trading acceptance speed for later work are compared by.
    struct Tail: Codable, Sendable {
        /// From the end of the timed window until Redis went quiet (seen at its second quiet quarter second running).
        var seconds: Double
        var redisCommandsPerNotification: Double
        /// As ``Delivery/cpuMicrosecondsPerNotification`` (with `redisAOFRewrites`), over the window and the tail.
        var cpuMicrosecondsPerNotification: [String: Double]
        /// The most per second this cost allows on this machine: every core busy with nothing else (cores x 1e6 / the CPU
        /// of all three processes).
        var ceilingPerSecond: Double?
        /// The most per second Redis allows at this cost: the one thread that serves its commands busy all the time
        /// (1e6 / Redis's CPU without its AOF rewrites; times the masters of a cluster, as if the load were spread evenly).
        var redisCeilingPerSecond: Double?

        var cpuMicroseconds: Double { BenchSummary.processes.reduce(0) { $0 + (cpuMicrosecondsPerNotification[$1] ?? 0) } }
    }

    /// Redis's calls and microseconds of one command, per notification. A command a script runs also counts in the
    /// script's line (EVALSHA's time includes it).
    struct CommandCost: Codable, Sendable, Equatable {
        var command: String
        var calls: Double
        var microseconds: Double
    }

    /// Fan-out of one topic event with only fan-out workers running, so every notification stays queued.
    struct Fanout: Codable, Sendable {
        var residents: Int
        var queued: Int
        var seconds: Double
        var perSecond: Double
        var redisCommandsPerNotification: Double
        /// Growth of Redis `used_memory` per 1,000,000 queued notifications (records, timelines, streams, indexes).
        var redisBytesPerMillionQueued: Double
        /// Peak resident memory of the fan-out worker process, scaled to 1,000,000 queued notifications.
        var workerPeakBytes: Int
        /// Redis's time per notification in each command (`INFO commandstats`), most first.
        var redisCommandCosts: [CommandCost] = []
    }

    /// Notifications at a fixed rate for a long run: memory at the start (after warm-up) and the end.
    struct Steady: Codable, Sendable {
        struct Sample: Codable, Sendable {
            var second: Int
            var serviceRSS: Int
            var redisRSS: Int
            var redisUsedMemory: Int
        }

        var rate: Int
        var seconds: Int
        var eventsFailed: Int
        /// Entries still queued when publishing stopped: near zero when the rate was sustainable.
        var backlogAtEnd: Int
        var drainSeconds: Double
        var serviceRSSStartBytes: Int
        var serviceRSSEndBytes: Int
        var redisRSSStartBytes: Int
        var redisRSSEndBytes: Int
        var samples: [Sample]

        var serviceGrowthPercent: Double {
            serviceRSSStartBytes > 0 ? Double(serviceRSSEndBytes - serviceRSSStartBytes) / Double(serviceRSSStartBytes) * 100 : 0
        }
    }

    struct Memory: Codable, Sendable {
        /// Peak resident memory of each NotifyMe process the benchmark started.
        var servicePeakBytes: [String: Int] = [:]
        /// Peak resident memory of redis-server (when the benchmark started it) and Redis's own `used_memory_peak`.
        var redisPeakRSSBytes: Int?
        var redisUsedMemoryPeakBytes: Int = 0
    }

    var machine = Machine()
    var startedAt = Date()
    var seeding: [Seeding] = []
    /// Against `notifyme run`, whose workers fan out and deliver each event as it comes.
    var publishLatency: Latency?
    /// Against `notifyme api` alone: the publish path without the delivery work on the same cores.
    var publishLatencyAPIAlone: Latency?
    var delivery: [Delivery] = []
    var fanout: Fanout?
    var steady: Steady?
    var memory = Memory()

    func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
