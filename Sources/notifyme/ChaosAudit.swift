import Foundation
import NotifyCore
import NotifyStore
import ProviderSim
import Redis

/// The end-of-run check of a chaos run, from what is stored and what the providers got, not from counters.
struct ChaosAudit: Sendable {
    let redis: RedisClient
    /// Streams per channel queue, to find every entry still held.
    let partitions: Int
    let sim: ProviderSimulator
    let smtp: SMTPSimulator

    private struct Record {
        let id: String
        let cpr: String
        let channel: Channel?
        let status: NotificationStatus?
    }

    func run(_ published: [ChaosPublisher.Published]) async throws -> ChaosFigures {
        var figures = ChaosFigures()
        let deadLettered = try await deadLetteredIds()
        figures.deadLettered = deadLettered.count
        figures.receiptsUnfinished = try await ReceiptWatch(redis: redis).count(dueBy: Date().addingTimeInterval(ReceiptWatch.journalGrace + 5))
        figures.queueEntriesHeld = try await Bench.queueDepth(redis, partitions: partitions)
        let gateway = try sim.counts(provider: "gateway"), fcm = try sim.counts(provider: "fcm")
        let emails = emailsReceived()
        figures.received = ["sms": gateway.values.reduce(0, +), "push": fcm.values.reduce(0, +), "email": emails.count]
        figures.duplicates = gateway.values.filter { $0 > 1 }.count + fcm.values.filter { $0 > 1 }.count
        figures.emailRepeats = emails.values.filter { $0 > 1 }.count

        for chunk in stride(from: 0, to: published.count, by: 50).map({ Array(published[$0..<min($0 + 50, published.count)]) }) {
            let replies = try await redis.pipeline(chunk.flatMap { p in
                [RedisCommand("ZRANGE", NotifyStore.Keys.eventNotifications(p.eventId), 0, -1), RedisCommand("HGETALL", NotifyStore.Keys.event(p.eventId))]
            })
            for (i, p) in chunk.enumerated() {
                let ids = replies[2 * i].strings ?? []
                let event = (replies[2 * i + 1].dictionary ?? [:]).compactMapValues(\.string)
                if event["status"] != "dispatched" { figures.eventsNotDispatched += 1 }
                let records = try await load(ids)
                var seen = Set<String>()
                var byStatus: [NotificationStatus: Int] = [:]
                for r in records {
                    if !seen.insert(r.cpr).inserted { figures.duplicates += 1 }
                    guard let status = r.status else { continue }
                    figures.statuses[status.rawValue, default: 0] += 1
                    byStatus[status == .sending ? .queued : status, default: 0] += 1
                    if [.accepted, .queued, .sending].contains(status) { figures.unsettled += 1 }
                    if status == .failed && !deadLettered.contains(r.id) { figures.unlettered += 1 }
                    let got = received(r, cohort: p.batch.cohort, gateway: gateway, fcm: fcm, emails: emails)
                    if [.sent, .delivered, .expired].contains(status) && got == 0 { figures.unfounded += 1 }
                    if status == .failed && got > 0 { figures.receivedButFailed += 1 }
                }
                let expected = Set(p.batch.cprs)
                figures.missing += expected.subtracting(Set(records.filter { $0.status != nil }.map(\.cpr))).count
                for status in NotificationStatus.allCases where status != .sending {
                    let counted = event["count:\(status.rawValue)"].flatMap(Int.init) ?? 0
                    figures.countDrift += abs(counted - byStatus[status, default: 0])
                }
            }
        }
        return figures
    }

    /// Records of `ids` (cpr, channel, status); a record that is gone has no status.
    private func load(_ ids: [String]) async throws -> [Record] {
        var records: [Record] = []
        for start in stride(from: 0, to: ids.count, by: 2000) {
            let slice = ids[start..<min(start + 2000, ids.count)]
            let replies = try await redis.pipeline(slice.map { RedisCommand("HMGET", NotifyStore.Keys.notification($0), "cpr", "channel", "status") })
            for (id, reply) in zip(slice, replies) {
                let f = reply.array ?? []
                records.append(Record(id: id, cpr: f.first?.string ?? "", channel: f.count > 1 ? f[1].string.flatMap(Channel.init(rawValue:)) : nil,
                                      status: f.count > 2 ? f[2].string.flatMap(NotificationStatus.init(rawValue:)) : nil))
            }
        }
        return records
    }

    /// How many messages the resident of `r` received on its channel: the simulator's count for SMS and push, the SMTP
    /// server's count of the notification's Message-ID for email.
    private func received(_ r: Record, cohort: BenchCohort, gateway: [String: Int], fcm: [String: Int], emails: [String: Int]) -> Int {
        guard let n = Int(r.cpr), let cpr = try? cohort.cpr(0), let base = Int(cpr.value) else { return 0 }
        let i = n - base
        switch r.channel {
        case .sms: return (try? cohort.phone(i)).map { gateway[$0.e164] ?? 0 } ?? 0
        case .push: return fcm[BenchPopulation.fcmToken(i)] ?? 0
        case .email: return emails[r.id] ?? 0
        case nil: return 0
        }
    }

    /// Emails the SMTP server accepted, per notification id (each Message-ID is `<id@domain>`).
    private func emailsReceived() -> [String: Int] {
        var byId: [String: Int] = [:]
        for (messageId, count) in smtp.messageIdCounts {
            guard let id = messageId.dropFirst().split(separator: "@").first else { continue }
            byId[String(id), default: 0] += count
        }
        return byId
    }

    private func deadLetteredIds() async throws -> Set<String> {
        var ids = Set<String>()
        for channel in Channel.allCases {
            var start = "-"
            while true {
                let reply = try await redis.send("XRANGE", NotifyStore.Keys.deadLetters(channel.rawValue), start, "+", "COUNT", 5000)
                let entries = reply.array ?? []
                for entry in entries {
                    guard let pair = entry.array, pair.count == 2, let fields = pair[1].dictionary else { continue }
                    if let id = fields["notification"]?.string { ids.insert(id) }
                }
                guard entries.count == 5000, let last = entries.last?.array?.first?.string else { break }
                start = "(" + last
            }
        }
        return ids
    }
}
