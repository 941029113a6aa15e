import Foundation
import NotifyCore
import Transport

/// Publishes a chaos run's events through the API, each retried with its Idempotency-Key until accepted:
/// the API or Redis may be down at any moment, and an accepted event must never be published twice.
struct ChaosPublisher: Sendable {
    /// One event: a slice of one cohort's residents.
    struct Batch: Sendable {
        let index: Int
        let cohort: BenchCohort
        let range: Range<Int>

        var cprs: [String] { range.compactMap { try? cohort.cpr($0).value } }
    }

    struct Published: Sendable {
        let batch: Batch
        let eventId: String
        /// Attempts that failed before the API accepted it.
        let retries: Int
    }

    let http: BenchHTTP
    let apiBase: String
    let key: String
    /// Makes the idempotency keys unique to this run.
    let runId: String

    /// Half the notifications go by SMS, a quarter by email, the rest by push; events of each channel interleave
    /// so all three flow at once.
    static func batches(notifications: Int, perEvent: Int) -> [Batch] {
        let sms = (notifications + 1) / 2, email = notifications / 4
        let sizes: [(BenchCohort, Int)] = [(.sms, sms), (.email, email), (.push, notifications - sms - email)]
        let perCohort = sizes.map { cohort, size in stride(from: 0, to: size, by: perEvent).map { (cohort, $0..<min($0 + perEvent, size)) } }
        var batches: [Batch] = []
        for i in 0..<(perCohort.map(\.count).max() ?? 0) {
            for list in perCohort where i < list.count { batches.append(Batch(index: batches.count, cohort: list[i].0, range: list[i].1)) }
        }
        return batches
    }

    /// Residents each cohort needs.
    static func cohortSizes(_ batches: [Batch]) -> [BenchCohort: Int] {
        batches.reduce(into: [:]) { $0[$1.cohort] = max($0[$1.cohort] ?? 0, $1.range.upperBound) }
    }

    /// POSTs the batch's event until it is accepted (202), for at most `patience`; a refusal that no retry can
    /// change (a 4xx other than 408 and 429) is an error at once.
    func publish(_ batch: Batch, patience: Duration = .seconds(180)) async throws -> Published {
        let recipients = batch.cprs.map { "\"\($0)\"" }.joined(separator: ",")
        let body = #"{"type":"emergency.alert","reference":"chaos-\#(batch.index)","recipients":[\#(recipients)],"#
            + #""data":{"area":"Chaos","message":"Chaos alert \#(batch.index)"}}"#
        let deadline = ContinuousClock.now + patience
        var retries = 0
        while true {
            var last = ""
            do {
                let r = try await http.post("\(apiBase)/v1/events", token: key, idempotencyKey: "chaos-\(runId)-\(batch.index)", json: body)
                if r.status == 202, let id = (try? JSONSerialization.jsonObject(with: Data(r.body)) as? [String: Any])?["id"] as? String {
                    return Published(batch: batch, eventId: id, retries: retries)
                }
                if (400..<500).contains(r.status) && r.status != 408 && r.status != 429 {
                    throw CLI.fail("event \(batch.index) was refused: \(r.status) \(r.bodyString)")
                }
                last = "\(r.status)"
            } catch let error as TransportError {
                last = "\(error)"
            }
            retries += 1
            guard ContinuousClock.now < deadline else { throw CLI.fail("event \(batch.index) was not accepted within \(patience): last answer \(last)") }
            try await Task.sleep(for: .milliseconds(250))
        }
    }
}
