import Foundation
import NotifyCore
import NotifyStore
import Redis

extension Bench {
    /// Notifications at a fixed rate for `seconds` (one event a second naming `rate` residents of the three cohorts in
    /// turn), sampling the memory of the service and of Redis every ten seconds; then waits for the queues to drain.
    /// Memory at the end is taken once the queues are empty; at the start, after a warm-up (a tenth of the run, at most a minute), when pools and caches are full.
    static func steady(http: BenchHTTP, stack: BenchStack, service: BenchService, key: String, residents: Int, rate: Int, seconds: Int,
                       report: BenchReport) async throws -> BenchSummary.Steady {
        let run = Digest.randomID(prefix: "")
        let warmUp = min(60, max(1, seconds / 10))
        let bar = ProgressBar()
        let started = ContinuousClock.now
        var samples: [BenchSummary.Steady.Sample] = []
        var failed = 0, cursor = 0
        for second in 0..<seconds {
            try await Task.sleep(until: started + .seconds(second), clock: .continuous)
            if second % 10 == 0 || second == warmUp { samples.append(try await sample(second, service: service, stack: stack)) }
            let cohorts: [BenchCohort] = [.sms, .email, .push]
            let cprs = try (0..<rate).map { i -> String in
                let n = cursor + i
                return try cohorts[n % 3].cpr((n / 3) % residents).value
            }
            cursor += rate
            let body = #"{"type":"emergency.alert","recipients":[\#(cprs.map { "\"\($0)\"" }.joined(separator: ","))],"#
                + #""data":{"area":"Bench","message":"Steady \#(second)"}}"#
            let response = try? await http.post("\(stack.apiBase)/v1/events", token: key, idempotencyKey: "steady-\(run)-\(second)", json: body)
            if response?.status != 202 { failed += 1 }
            bar.show(done: second + 1, total: seconds, note: "seconds at \(rate) notifications/s")
        }
        bar.finish()
        let stopped = ContinuousClock.now
        let backlog = try await queueDepth(stack)
        try await waitForQueues(stack, report: report)
        let drained = (ContinuousClock.now - stopped).seconds
        samples.append(try await sample(Int((ContinuousClock.now - started).seconds), service: service, stack: stack))
        let first = samples.first { $0.second >= warmUp } ?? samples[0], last = samples[samples.count - 1]
        let figures = BenchSummary.Steady(rate: rate, seconds: seconds, eventsFailed: failed, backlogAtEnd: backlog, drainSeconds: drained,
                                          serviceRSSStartBytes: first.serviceRSS, serviceRSSEndBytes: last.serviceRSS,
                                          redisRSSStartBytes: first.redisRSS, redisRSSEndBytes: last.redisRSS, samples: samples)
        report.line("steady \(rate) notifications/s for \(seconds) s: notifyme run RSS \(BenchReport.bytes(Double(first.serviceRSS))) "
            + "at \(first.second) s, \(BenchReport.bytes(Double(last.serviceRSS))) at the end "
            + "(\(BenchReport.number(figures.serviceGrowthPercent, 1))%); redis-server RSS \(BenchReport.bytes(Double(first.redisRSS))) → "
            + "\(BenchReport.bytes(Double(last.redisRSS))) (records kept for the retention); \(failed) publishes failed; "
            + "backlog \(BenchReport.number(Double(backlog))) at the end, drained in \(BenchReport.number(drained, 1)) s")
        return figures
    }

    private static func sample(_ second: Int, service: BenchService, stack: BenchStack) async throws -> BenchSummary.Steady.Sample {
        let info = try await RedisInfo.read(stack.redis)
        return .init(second: second, serviceRSS: ProcessSpawn.memory(of: service.pid)?.current ?? 0,
                     redisRSS: stack.redisPid.flatMap { ProcessSpawn.memory(of: $0)?.current } ?? 0, redisUsedMemory: info.usedMemory)
    }

    /// Entries waiting in the event and channel streams.
    static func queueDepth(_ stack: BenchStack) async throws -> Int {
        try await queueDepth(stack.redis, partitions: stack.partitions)
    }

    /// Entries not yet acknowledged (pending with a worker, or not yet read) in the event and channel streams.
    static func queueDepth(_ redis: RedisClient, partitions: Int) async throws -> Int {
        let channels = ChannelQueues(redis: redis, partitions: partitions)
        let queues = [WorkQueue(redis: redis, stream: NotifyStore.Keys.stream("events"), group: "fanout")]
            + Channel.allCases.flatMap { channels.queues($0) }
        var depth = 0
        for queue in queues { depth += try await queue.stats().depth }
        return depth
    }
}
