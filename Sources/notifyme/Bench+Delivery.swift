import Foundation
import NotifyCore
import NotifyStore
import ProviderSim
import Redis

extension Bench {
    /// Statuses that mean a provider has taken the notification (or it was settled without one).
    static let settled: [NotificationStatus] = [.sent, .delivered, .failed, .expired, .suppressed]

    /// Publishes one alert to `topic` through the API and waits until all `expected` notifications are settled.
    /// With `profile`, perf samples every process's stacks while it is timed (see ``BenchProfiler``).
    static func deliver(label: String, round: Int, topic: String, expected: Int, http: BenchHTTP, stack: BenchStack, service: BenchService, key: String,
                        profile: Bool = false, report: BenchReport) async throws -> BenchSummary.Delivery {
        // Redis's CPU comes from INFO: it counts its AOF rewrites apart, and works for a given server or cluster too.
        let pids = ["service": service.pid, "simulator": getpid()]
        let before = try await RedisInfo.read(stack.redis)
        let cpuBefore = ProcessCPU.read(pids)
        let batchesBefore = stack.sim.gatewayBatches
        let mailBefore = stack.smtp?.counts ?? SMTPCounts()
        let profiler = profile ? BenchProfiler.start(pids.merging(stack.redisPid.map { ["redis": $0] } ?? [:]) { a, _ in a },
                                                     file: "\(stack.directory)/profile-\(label)-\(round).data", report: report) : nil
        let started = ContinuousClock.now
        do {
            let body = #"{"type":"emergency.alert","topic":"\#(topic)","data":{"area":"Bench","message":"Benchmark alert \#(label) \#(round)"}}"#
            let response = try await http.post("\(stack.apiBase)/v1/events", token: key,
                                               idempotencyKey: "bench-\(label)-\(round)-\(Date().timeIntervalSince1970)", json: body)
            guard response.status == 202, let id = (try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])?["id"] as? String else {
                throw CLI.fail("publishing the \(label) alert failed: \(response.status) \(response.bodyString)")
            }
            try await waitSettled(id, expected: expected, redis: stack.redis, note: "\(label) notifications", timeout: .seconds(max(120, expected / 200)))
        } catch {
            // perf would sample on after a failed run.
            await profiler?.cancel()
            throw error
        }
        let seconds = (ContinuousClock.now - started).seconds
        profiler?.stop()
        let cpu = ProcessCPU.read(pids).since(cpuBefore)
        let after = try await RedisInfo.read(stack.redis)
        var spent = cpu.seconds
        spent["redis"] = after.cpuSeconds - before.cpuSeconds
        spent["redisAOFRewrites"] = after.rewriteCPUSeconds - before.rewriteCPUSeconds
        let perNotification = spent.mapValues { $0 * 1e6 / Double(max(1, expected)) }
        let rewrites = after.aofRewrites - before.aofRewrites
        let batches = stack.sim.gatewayBatches
        let (batchRequests, batchedMessages) = (batches.requests - batchesBefore.requests, batches.messages - batchesBefore.messages)
        var figures = BenchSummary.Delivery(channel: label, notifications: expected, seconds: seconds, perSecond: Double(expected) / seconds,
                                            redisCommandsPerNotification: Double(after.commandsProcessed - before.commandsProcessed) / Double(max(1, expected)),
                                            cpuMicrosecondsPerNotification: perNotification, coresBusy: cpu.machineBusy / seconds,
                                            gatewayMessagesPerBatch: batchRequests > 0 ? Double(batchedMessages) / Double(batchRequests) : nil,
                                            redisAOFRewrites: rewrites)
        figures.round = round
        figures.tail = try await tail(after: after, since: before, cpuBefore: cpuBefore, pids: pids, expected: expected, redis: stack.redis)
        figures.redisCommandCosts = after.commandCosts(since: before, per: expected)
        report.line("end to end, \(label)\(round > 1 ? " (run \(round))" : ""): \(BenchReport.number(Double(expected))) notifications in \(BenchReport.number(seconds, 2)) s = "
            + "\(BenchReport.number(figures.perSecond)) per second, \(BenchReport.number(figures.redisCommandsPerNotification, 1)) Redis commands each")
        // Where the time went: every process shares these cores, so a notification's cost is the sum.
        var parts = BenchSummary.processes.compactMap { name in perNotification[name].map { "\(name) \(BenchReport.number($0)) µs" } }
        // A rewrite's CPU counts when Redis reaps it, which may be in the run after the one it started in.
        if let share = perNotification["redisAOFRewrites"], share > 0 || rewrites > 0 {
            parts[parts.count - 1] += " (\(BenchReport.number(share)) µs of it in AOF rewrites; \(rewrites) started during the run)"
        }
        report.line("  CPU per notification: \(parts.joined(separator: ", ")) (simulator: this process, with its receipts); "
            + "\(BenchReport.number(figures.coresBusy, 2)) of \(ProcessInfo.processInfo.activeProcessorCount) cores busy")
        report.line("  Redis time per notification by command (a script's commands count in its line too): "
            + RedisInfo.describe(figures.redisCommandCosts))
        if let tail = figures.tail {
            let cpu = BenchSummary.processes.compactMap { name in tail.cpuMicrosecondsPerNotification[name].map { "\(name) \(BenchReport.number($0))" } }
            report.line("  with what the run left going (receipts, counts), quiet \(BenchReport.number(tail.seconds, 2)) s after: "
                + "\(BenchReport.number(tail.redisCommandsPerNotification, 1)) Redis commands and \(BenchReport.number(tail.cpuMicroseconds)) µs of CPU "
                + "each (\(cpu.joined(separator: ", ")))")
            if let ceiling = tail.ceilingPerSecond, let redis = tail.redisCeilingPerSecond {
                let redisThreads = after.servers == 1 ? "Redis's one thread" : "Redis's \(after.servers) masters' threads (the load spread evenly)"
                report.line("  at that cost these \(ProcessInfo.processInfo.activeProcessorCount) cores carry at most \(BenchReport.number(ceiling)) per second "
                    + "(every core busy), \(redisThreads) at most \(BenchReport.number(redis))")
            }
        }
        if let profiler {
            let folded = await profiler.finish(report: report)
            if !folded.isEmpty {
                // An AOF rewrite is a forked child, another process than the one sampled: Redis's samples are its serving thread's.
                var sampled = perNotification
                sampled["redis"] = (perNotification["redis"] ?? 0) - (perNotification["redisAOFRewrites"] ?? 0)
                let profile = folded.reduce(into: [:]) { $0[$1.key] = $1.value.profile(microseconds: sampled[$1.key] ?? 0) }
                figures.profile = profile
                reportProfile(profile, report: report)
            }
        }
        if let perBatch = figures.gatewayMessagesPerBatch {
            report.line("  SMS gateway: \(BenchReport.number(Double(batchedMessages))) messages in \(BenchReport.number(Double(batchRequests))) batch requests, "
                + "\(BenchReport.number(perBatch, 1)) each")
        }
        if let mail = stack.smtp?.counts {
            let accepted = mail.accepted - mailBefore.accepted
            figures.smtpMessages = accepted
            if accepted > 0 {
                report.line("  SMTP: \(BenchReport.number(Double(accepted))) messages accepted, "
                    + "\(BenchReport.number(Double(mail.connections - mailBefore.connections))) connections opened")
            }
        }
        return figures
    }

    /// Polls the event's counts until `expected` notifications are settled and fan-out is done.
    static func waitSettled(_ id: String, expected: Int, redis: RedisClient, note: String, timeout: Duration) async throws {
        let events = EventStore(redis: redis)
        let bar = ProgressBar()
        let deadline = ContinuousClock.now + timeout
        while true {
            let fields = try await events.summary(id) ?? [:]
            let done = settled.reduce(0) { $0 + (fields["count:\($1.rawValue)"].flatMap(Int.init) ?? 0) }
            bar.show(done: done, total: expected, note: note)
            if done >= expected && fields["status"] == "dispatched" { break }
            guard ContinuousClock.now < deadline else {
                bar.finish()
                throw CLI.fail("\(note): only \(done) of \(expected) settled after \(timeout); counts: \(fields.filter { $0.key.hasPrefix("count:") })")
            }
            // The end of a run is read to within this: a 20,000-notification run lasts about 2 s, so 100 ms was up to 5 %.
            try await Task.sleep(for: .milliseconds(20))
        }
        bar.finish()
    }

    /// The median rate of each cohort over its repeated runs, with the slowest and fastest beside it.
    static func reportMedians(_ runs: [BenchSummary.Delivery], report: BenchReport) {
        var order: [String] = []
        for run in runs where !order.contains(run.channel) { order.append(run.channel) }
        for channel in order {
            let rates = runs.filter { $0.channel == channel }.map(\.perSecond).sorted()
            guard let low = rates.first, let high = rates.last else { continue }
            let middle = rates.count % 2 == 1 ? rates[rates.count / 2] : (rates[rates.count / 2 - 1] + rates[rates.count / 2]) / 2
            report.line("median of \(rates.count) runs, \(channel): \(BenchReport.number(middle)) per second "
                + "(\(BenchReport.number(low)) to \(BenchReport.number(high)))")
        }
    }
}
