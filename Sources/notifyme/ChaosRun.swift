import Foundation
import NotifyCore
import NotifyStore
import ProviderSim

/// One chaos run against processes already set up: seed, start the fleet, publish while disrupting, settle, audit.
struct ChaosRun: Sendable {
    let stack: BenchStack
    let sim: ProviderSimulator
    let smtp: SMTPSimulator
    /// The run's own redis-server, which it restarts; nil when the run was given a Redis.
    let redis: ChaosRedis?
    let http: BenchHTTP
    let report: BenchReport
    let plan: ChaosPlan
    let notifications: Int
    let perEvent: Int
    let publishRate: Double
    let timeout: Duration

    func execute() async throws -> ChaosSummary {
        let batches = ChaosPublisher.batches(notifications: notifications, perEvent: perEvent)
        let population = BenchPopulation(redis: stack.redis, cipher: stack.cipher)
        for (cohort, count) in ChaosPublisher.cohortSizes(batches).sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            let bar = ProgressBar()
            try await population.seed(cohort, count: count) { bar.show(done: $0, total: count, note: "\(cohort.rawValue) residents") }
            bar.finish()
        }
        let key = try await EntityKeyStore(redis: stack.redis).create(entity: Bench.entity, patterns: try EventPattern.list("emergency.*"),
                                                                     rate: 1_000_000).secret
        let fleet = ChaosFleet(stack: stack, http: http)
        var summary = ChaosSummary(notifications: notifications, events: batches.count)
        let published: [ChaosPublisher.Published]
        do {
            try await fleet.startAll()
            published = try await flow(batches: batches, key: key, fleet: fleet, summary: &summary)
        } catch {
            report.line("the run stopped: \(error)")
            for role in ChaosFleet.Role.allCases { report.line("\(role.rawValue) log:\n\(fleet.logTail(role))") }
            fleet.stopAll()
            throw error
        }
        summary.peakMemoryBytes = fleet.peakMemory()
        fleet.stopAll()
        // While the fleet runs, the last retries and receipts move records between the audit's reads (the simulator's
        // counts, then each event's counts and records): the figures are taken again once nothing moves any more.
        if summary.figures.settled, let still = try? await ChaosAudit(redis: stack.redis, partitions: stack.partitions, sim: sim, smtp: smtp).run(published) {
            summary.figures = still
            summary.problems = fleet.exitedOnTheirOwn.map { "the \($0.rawValue) process exited on its own" }
                + still.problems(emailRepeatsAllowed: summary.emailRepeatsAllowed)
        }
        show(summary)
        if !summary.passed {
            for role in ChaosFleet.Role.allCases { report.line("\(role.rawValue) log ends with:\n\(fleet.logTail(role))") }
        }
        return summary
    }

    /// Publishes every batch at `publishRate` while the plan's disruptions fire, then waits for everything to settle.
    private func flow(batches: [ChaosPublisher.Batch], key: String, fleet: ChaosFleet,
                      summary: inout ChaosSummary) async throws -> [ChaosPublisher.Published] {
        let publisher = ChaosPublisher(http: http, apiBase: stack.apiBase, key: key, runId: Digest.randomID(prefix: ""))
        let progress = ChaosProgress(sim: sim, smtp: smtp, redis: stack.redis, total: notifications)
        let started = ContinuousClock.now
        let (published, disruptions) = try await withThrowingTaskGroup(of: ChaosOutcome.self) { group in
            group.addTask {
                var done: [ChaosPublisher.Published] = []
                for batch in batches {
                    let due = started + .seconds(Double(batch.index) / publishRate)
                    if due > .now { try await Task.sleep(until: due) }
                    done.append(try await publisher.publish(batch))
                }
                return .published(done)
            }
            group.addTask {
                .disrupted(try await disrupt(fleet: fleet, progress: progress, started: started))
            }
            var published: [ChaosPublisher.Published] = [], disruptions: [ChaosSummary.Disruption] = []
            for try await outcome in group {
                switch outcome {
                case .published(let p): published = p
                case .disrupted(let d): disruptions = d
                }
            }
            return (published, disruptions)
        }
        summary.eventsAccepted = published.count
        summary.publishRetries = published.map(\.retries).reduce(0, +)
        summary.disruptions = disruptions
        for d in disruptions {
            report.line(String(format: "%6.1f s  %@ %@ at %.0f%% settled, down %.1f s", d.atSeconds, d.kind, d.target, d.settledShare * 100, d.downSeconds))
        }
        let audit = ChaosAudit(redis: stack.redis, partitions: stack.partitions, sim: sim, smtp: smtp)
        summary.figures = try await settle(audit: audit, published: published, progress: progress)
        summary.seconds = (ContinuousClock.now - started).seconds
        summary.problems = fleet.exitedOnTheirOwn.map { "the \($0.rawValue) process exited on its own" }
            + summary.figures.problems(emailRepeatsAllowed: summary.emailRepeatsAllowed)
        return published
    }

    /// Polls until the audit finds every notification settled, or `timeout` passes.
    private func settle(audit: ChaosAudit, published: [ChaosPublisher.Published], progress: ChaosProgress) async throws -> ChaosFigures {
        let deadline = ContinuousClock.now + timeout
        let bar = ProgressBar()
        defer { bar.finish() }
        var lastAudit = ContinuousClock.now - .seconds(60)
        while true {
            let share = await progress.share()
            if share < 1 { bar.show(done: Int(share * Double(notifications)), total: notifications, note: "settled") }
            let since = ContinuousClock.now - lastAudit
            if (share >= 1 && since > .seconds(2)) || since > .seconds(5) || ContinuousClock.now > deadline {
                lastAudit = .now
                if let figures = try? await audit.run(published), figures.settled || ContinuousClock.now > deadline { return figures }
                guard ContinuousClock.now <= deadline else { throw CLI.fail("the audit could not read Redis at the end of the run") }
            }
            try await Task.sleep(for: .milliseconds(250))
        }
    }

    private func show(_ summary: ChaosSummary) {
        let f = summary.figures
        let n = { (v: Int) in BenchReport.number(Double(v)) }
        report.line("published \(summary.eventsAccepted) of \(summary.events) events (\(summary.publishRetries) attempts retried); "
            + "settled in \(BenchReport.number(summary.seconds, 1)) s")
        report.line("statuses: " + f.statuses.sorted { $0.key < $1.key }.map { "\($0.key) \(n($0.value))" }.joined(separator: ", ")
            + "; dead-lettered \(n(f.deadLettered))")
        report.line("received: SMS \(n(f.received["sms"] ?? 0)), push \(n(f.received["push"] ?? 0)), email \(n(f.received["email"] ?? 0)); "
            + "received but dead-lettered \(n(f.receivedButFailed)); event count drift \(n(f.countDrift)); "
            + "receipts cut off and not yet finished \(n(f.receiptsUnfinished)); queue entries still held \(n(f.queueEntriesHeld))")
        report.line("lost \(n(f.missing + f.unsettled)), duplicates \(n(f.duplicates)), recorded but never received \(n(f.unfounded)), "
            + "failed but not dead-lettered \(n(f.unlettered))")
        report.line("emails received twice: \(n(f.emailRepeats)), allowed \(n(summary.emailRepeatsAllowed)) (email worker killed "
            + "\(summary.emailWorkerKills) times; SMTP has no idempotency key: a worker killed after the server's 250, before its "
            + "record, sends again with the same Message-ID)")
    }
}

/// What one of the run's two concurrent tasks produced.
enum ChaosOutcome: Sendable {
    case published([ChaosPublisher.Published])
    case disrupted([ChaosSummary.Disruption])
}
