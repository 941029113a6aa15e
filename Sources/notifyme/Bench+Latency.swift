import Foundation
import NotifyCore
import NotifyStore

extension Bench {
    /// POST /v1/events at `rate` per second for `seconds`, open loop: each request is sent when it is due whatever
    /// the earlier ones are doing, and its latency counts from then, so a stall shows in the figures.
    static func publishLatency(http: BenchHTTP, base: String, key: String, residents: Int, rate: Int, seconds: Int,
                               setting: String = "notifyme run, every worker busy with the events", report: BenchReport) async throws -> BenchSummary.Latency {
        let total = rate * seconds
        let bar = ProgressBar()
        // Keys unique to this run: a second run against the same Redis must not be answered from the first one's.
        let run = Digest.randomID(prefix: "")
        let started = ContinuousClock.now
        var latencies: [Double] = []
        latencies.reserveCapacity(total)
        var errors = 0
        try await withThrowingTaskGroup(of: Double?.self) { group in
            for i in 0..<total {
                let due = started + .seconds(Double(i) / Double(rate))
                try await Task.sleep(until: due, clock: .continuous)
                let cpr = try BenchCohort.sms.cpr(i % max(1, residents))
                group.addTask {
                    let body = #"{"type":"emergency.alert","recipients":["\#(cpr.value)"],"data":{"area":"Bench","message":"Latency probe \#(i)"}}"#
                    let response = try? await http.post("\(base)/v1/events", token: key, idempotencyKey: "bench-\(run)-\(i)", json: body)
                    guard response?.status == 202 else { return nil }
                    return (ContinuousClock.now - due).milliseconds
                }
                if i % max(1, rate / 10) == 0 { bar.show(done: i, total: total, note: "publish requests") }
            }
            for try await done in group {
                if let ms = done { latencies.append(ms) } else { errors += 1 }
            }
        }
        let elapsed = (ContinuousClock.now - started).seconds
        bar.show(done: total, total: total, note: "publish requests")
        bar.finish()
        latencies.sort()
        func percentile(_ p: Double) -> Double {
            latencies.isEmpty ? 0 : latencies[min(latencies.count - 1, Int((Double(latencies.count) * p).rounded(.up)) - 1)]
        }
        let figures = BenchSummary.Latency(targetRate: rate, requests: total, errors: errors, achievedRate: Double(total) / elapsed,
                                           p50Ms: percentile(0.5), p99Ms: percentile(0.99), maxMs: latencies.last ?? 0)
        report.line("publish latency at \(rate)/s for \(seconds) s (\(setting)): p50 \(BenchReport.number(figures.p50Ms, 2)) ms, "
            + "p99 \(BenchReport.number(figures.p99Ms, 2)) ms, max \(BenchReport.number(figures.maxMs, 1)) ms, "
            + "\(errors) errors of \(total) (sent at \(BenchReport.number(figures.achievedRate, 0))/s)")
        return figures
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
    var milliseconds: Double { seconds * 1000 }
}
