import Foundation

/// What a chaos run did and found; written as JSON at the end (`--json`).
struct ChaosSummary: Codable, Sendable {
    /// One disruption, as it happened.
    struct Disruption: Codable, Sendable {
        /// "kill", "redis-restart", "reshard" or "outage".
        var kind: String
        /// The process killed, or the provider made to fail.
        var target: String
        /// Share of the notifications settled when it fired.
        var settledShare: Double
        /// Seconds since the first event was published.
        var atSeconds: Double
        /// How long the target was down (restart delay, outage length).
        var downSeconds: Double
    }

    var seed: UInt64 = 0
    var notifications = 0
    var events = 0
    var eventsAccepted = 0
    /// Publish attempts that failed (API or Redis down) before the event was accepted.
    var publishRetries = 0
    var disruptions: [Disruption] = []
    /// Seconds from the first publish until every notification was settled (or the run gave up).
    var seconds = 0.0
    var figures = ChaosFigures()
    var peakMemoryBytes: [String: Int] = [:]
    /// Why the run failed; empty when every check held.
    var problems: [String] = []

    var passed: Bool { problems.isEmpty }

    /// Email repeats the run's email worker kills can explain: each kill, at most the sends it had in flight.
    var emailRepeatsAllowed: Int { emailWorkerKills * Chaos.concurrency }

    /// Email worker kills: the one cause an email may be sent twice.
    var emailWorkerKills: Int { disruptions.filter { $0.kind == "kill" && $0.target == "email" }.count }

    func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}

/// What the records, the dead-letter streams and the providers show at the end of a chaos run.
struct ChaosFigures: Codable, Sendable {
    /// Notification records by status.
    var statuses: [String: Int] = [:]
    /// Recipients of accepted events with no notification record.
    var missing = 0
    /// Notifications not yet accepted by a provider nor given up (accepted, queued, sending).
    var unsettled = 0
    /// Residents the SMS gateway or FCM received more than one message for, and notification records beyond one per
    /// recipient and event.
    var duplicates = 0
    /// Residents the SMTP server received an email for more than once (the same Message-ID each time). SMTP has no
    /// idempotency key: an email worker killed between the server's acceptance and its record sends that email again
    /// (the Message-ID lets the recipient's mail service drop it). More than a kill's sends in flight can explain is a fault.
    var emailRepeats = 0
    /// Notifications recorded as accepted by a provider that the provider never received.
    var unfounded = 0
    /// Failed notifications missing from their dead-letter stream.
    var unlettered = 0
    var deadLettered = 0
    /// Failed (dead-lettered) notifications the provider did receive: an acceptance whose answer the worker never
    /// recorded (killed mid-call), retried in an outage until it gave up. Reported, not an error.
    var receivedButFailed = 0
    /// Messages the SMS gateway and FCM received, and notifications the SMTP server got an email for (repeats aside).
    var received: [String: Int] = [:]
    /// Accepted events whose fan-out did not finish.
    var eventsNotDispatched = 0
    /// Sum over events and statuses of the difference between the event's counts and its records.
    var countDrift = 0

    /// Receipts whose recording a Redis restart or a kill cut off, not yet finished by the expiry sweep (which
    /// waits a minute for them): until then their moves are not counted on their events.
    var receiptsUnfinished = 0

    /// Queue entries not yet acknowledged (pending with a worker, or unread). A send whose count and ack a Redis
    /// restart cut off is finished when its entry is reclaimed (after the visibility timeout); until then its record
    /// may be settled and its event's count not.
    var queueEntriesHeld = 0

    /// Every accepted notification settled (provider accepted it, or it failed and was dead-lettered), every receipt
    /// recorded, and every queue entry finished.
    var settled: Bool { missing == 0 && unsettled == 0 && eventsNotDispatched == 0 && receiptsUnfinished == 0 && queueEntriesHeld == 0 }

    /// What is wrong; `emailRepeatsAllowed` is how many repeats the email worker kills explain (their sends in flight).
    func problems(emailRepeatsAllowed: Int) -> [String] {
        var p: [String] = []
        if missing > 0 { p.append("\(missing) recipients of accepted events have no notification (lost)") }
        if unsettled > 0 { p.append("\(unsettled) notifications never settled (lost)") }
        if eventsNotDispatched > 0 { p.append("\(eventsNotDispatched) events never finished their fan-out") }
        if duplicates > 0 { p.append("\(duplicates) residents received a notification twice") }
        if emailRepeats > emailRepeatsAllowed {
            p.append("\(emailRepeats) residents received an email twice, more than the \(emailRepeatsAllowed) the email worker kills can explain")
        }
        if unfounded > 0 { p.append("\(unfounded) notifications are recorded as accepted but their provider never received them") }
        if unlettered > 0 { p.append("\(unlettered) failed notifications are not in the dead-letter stream") }
        if receiptsUnfinished > 0 { p.append("\(receiptsUnfinished) receipts cut off while being recorded were never finished") }
        if queueEntriesHeld > 0 { p.append("\(queueEntriesHeld) queue entries were never finished") }
        if countDrift > 0 { p.append("events' counts differ from their notifications' statuses by \(countDrift)") }
        return p
    }
}
