import Foundation
import NotifyCore
import NotifyStore
import Redis

extension Bench {
    /// Seeds the residents the chosen scenarios need, then runs them against NotifyMe processes it starts and stops.
    func measure(stack: BenchStack, http: BenchHTTP, report: BenchReport, summary: inout BenchSummary) async throws {
        let population = BenchPopulation(redis: stack.redis, cipher: stack.cipher)
        let key = try await EntityKeyStore(redis: stack.redis).create(entity: Self.entity, patterns: try EventPattern.list("emergency.*"),
                                                                     rate: 1_000_000).secret
        let masters = try await stack.redis.sendToEachNode(RedisCommand("PING")).count
        summary.machine.redisMasters = masters
        summary.machine.partitions = partitions
        let given = masters > 1 ? "the given Redis Cluster (\(masters) masters)" : "the given Redis"
        report.line("notifyme bench: \(summary.machine.cores) cores, \(summary.machine.build) build, \(redis == nil ? "its own Redis (AOF on)" : given), "
            + "\(partitions) partition\(partitions == 1 ? "" : "s") per channel queue")
        let reference = HostReference.measure()
        summary.machine.referenceAtStart = reference
        report.line("host reference: \(reference.description) (figures compare only beside these)")

        if !scenarios.isDisjoint(with: ["latency", "delivery", "steady"]) {
            // The latency and steady runs publish to the SMS cohort's topic; the mixed run needs all three.
            let runs = scenarios.contains("delivery") ? deliveryRuns : []
            let needed = runs.contains("mixed") || !scenarios.isDisjoint(with: ["latency", "steady"])
                ? [BenchCohort.sms, .email, .push] : [BenchCohort.sms, .email, .push].filter { runs.contains($0.rawValue) }
            for cohort in needed {
                summary.seeding.append(try await seed(population, cohort, count: residents, alsoIn: BenchCohort.mixedTopic, report: report))
            }
            try await Self.rewriteAppendOnlyFile(stack, report: report)
            if scenarios.contains("latency") {
                // The API's own publish path, with no fan-out or delivery on these cores, as when API and workers run on
                // separate hosts; the events it accepts wait in the stream for `run` below.
                let api = try await stack.startService("api", ["api"], waitForAPI: true, http: http)
                defer { api.stop() }
                summary.publishLatencyAPIAlone = try await Self.publishLatency(http: http, base: stack.apiBase, key: key, residents: residents,
                                                                               rate: rate, seconds: seconds, setting: "notifyme api alone",
                                                                               report: report)
            }
            let service = try await stack.startService("run", ["run"], waitForAPI: true, http: http)
            do {
                if scenarios.contains("latency") {
                    try await Self.waitForQueues(stack, report: report)
                    summary.publishLatency = try await Self.publishLatency(http: http, base: stack.apiBase, key: key, residents: residents,
                                                                           rate: rate, seconds: seconds, report: report)
                    try await Self.waitForQueues(stack, report: report)
                }
                if scenarios.contains("delivery") {
                    for round in 1...`repeat` {
                        for run in runs {
                            let cohort = BenchCohort(rawValue: run)
                            summary.delivery.append(try await Self.deliver(label: run, round: round, topic: cohort?.topic ?? BenchCohort.mixedTopic,
                                                                           expected: cohort == nil ? 3 * residents : residents, http: http,
                                                                           stack: stack, service: service, key: key, profile: profile, report: report))
                        }
                    }
                    if `repeat` > 1 { Self.reportMedians(summary.delivery, report: report) }
                }
                if scenarios.contains("steady") {
                    summary.steady = try await Self.steady(http: http, stack: stack, service: service, key: key, residents: residents,
                                                           rate: steadyRate, seconds: steadySeconds, report: report)
                }
            } catch {
                report.line("the service's log ends with:\n\(service.logTail)")
                service.stop()
                throw error
            }
            summary.memory.servicePeakBytes["run"] = service.peakMemory
            report.line("notifyme run peak memory: \(BenchReport.bytes(Double(service.peakMemory)))")
            service.stop()
        }

        if scenarios.contains("fanout") {
            summary.seeding.append(try await seed(population, .fanout, count: topicSize, alsoIn: nil, report: report))
            try await Self.rewriteAppendOnlyFile(stack, report: report)
            let worker = try await stack.startService("worker-fanout", ["worker", "fanout"], waitForAPI: false, http: http)
            defer { worker.stop() }
            let figures = try await Self.fanout(residents: topicSize, stack: stack, worker: worker, report: report)
            summary.fanout = figures
            summary.memory.servicePeakBytes["worker fanout"] = figures.workerPeakBytes
        }
        summary.memory.redisUsedMemoryPeakBytes = try await RedisInfo.read(stack.redis).usedMemoryPeak
        let after = HostReference.measure()
        summary.machine.referenceAtEnd = after
        report.line("host reference at the end: \(after.description)")
    }

    private func seed(_ population: BenchPopulation, _ cohort: BenchCohort, count: Int, alsoIn topic: String?,
                      report: BenchReport) async throws -> BenchSummary.Seeding {
        let bar = ProgressBar()
        let started = ContinuousClock.now
        try await population.seed(cohort, count: count, alsoIn: topic) { done in bar.show(done: done, total: count, note: "\(cohort.rawValue) residents") }
        bar.finish()
        let seconds = (ContinuousClock.now - started).seconds
        report.line("registered \(BenchReport.number(Double(count))) \(cohort.rawValue) residents in \(BenchReport.number(seconds, 2)) s")
        return BenchSummary.Seeding(cohort: cohort.rawValue, residents: count, seconds: seconds, perSecond: Double(count) / seconds)
    }

    /// Seeding is not what is measured: the append-only file rewrite its writes would set off is done now, not during
    /// the run that follows (a rewrite forks Redis, and the fork takes most of a core on this machine).
    static func rewriteAppendOnlyFile(_ stack: BenchStack, report: BenchReport) async throws {
        let started = ContinuousClock.now
        if try await RedisInfo.rewriteAppendOnlyFile(stack.redis) {
            report.line("rewrote Redis's append-only file after seeding in \(BenchReport.number((ContinuousClock.now - started).seconds, 2)) s")
        }
    }

    /// Waits until the channel queues are empty, so one scenario's backlog does not slow the next.
    static func waitForQueues(_ stack: BenchStack, report: BenchReport) async throws {
        let deadline = ContinuousClock.now + .seconds(300)
        while ContinuousClock.now < deadline {
            if try await queueDepth(stack) == 0 { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        report.line("queues still not empty after 300 s; going on")
    }
}
