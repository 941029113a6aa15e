import Foundation
import NotifyCore
import NotifyStore
import Redis
import Testing
@testable import NotifyWorkers

/// Concurrent sends' counts and queue acknowledgements gathered into shared round trips.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct SentCounterTests {
    @Test func concurrentSendsAreCountedAndAcknowledgedTogether() async throws {
        let env = try await TestEnvironment()
        defer { env.stop() }
        let kit = DeliveryKit(env: env)
        let events = EventStore(redis: env.redis)
        // Three events of ten notifications each, their queue entries on two streams.
        var sent: [(move: EventStore.CountedMove, queue: Int)] = []
        for e in 0..<3 {
            let first = try await kit.queued(try await kit.resident("8801012\(e)0", phone: "+973360012\(e)0"), channel: .sms)
            var records = [first]
            for r in 1..<10 {
                let cpr = try CPR("8801012\(e)\(r)")
                let n = NotificationRecord(id: Digest.notificationID(eventId: first.eventId, cpr: cpr), eventId: first.eventId,
                                           eventType: first.eventType, entity: first.entity, cpr: cpr, channel: .sms, status: .queued,
                                           language: .en, message: first.message, createdAt: Date())
                _ = try await kit.notifications.create([n]) { _ in "queued" }
                _ = try await env.redis.send("HINCRBY", Keys.event(first.eventId), "count:queued", 1)
                records.append(n)
            }
            for (r, n) in records.enumerated() {
                _ = try await kit.notifications.move(n.id, to: .sending, detail: "sending")
                let t = try await kit.notifications.transition(n.id, to: .sent, detail: "accepted by gw")
                #expect(t.countMark != nil, "the move to sent is marked until counted")
                sent.append((EventStore.CountedMove(n.id, eventId: n.eventId, from: .sending, to: .sent, mark: t.countMark), r % 2))
            }
        }
        let queues = ["a", "b"].map { WorkQueue(redis: env.redis, stream: "nm:{test}:sent-\($0)", group: "g") }
        let connection = env.redis.makeBlockingConnection(name: "sent-counter-test")
        defer { connection.close() }
        var entries: [[WorkQueue.Entry]] = []
        for (q, queue) in queues.enumerated() {
            try await queue.ensureGroup()
            _ = try await queue.add(sent.filter { $0.queue == q }.map { ["notification": $0.move.notificationId] })
            entries.append(try await queue.read(consumer: "w", count: 100, block: nil, pending: false, on: connection))
        }
        #expect(entries.map(\.count) == [15, 15])
        let acks = sent.map { item in
            let entry = entries[item.queue].first { $0.fields["notification"] == item.move.notificationId }
            return entry.map { SentCounter.Ack(queue: queues[item.queue], entryId: $0.id) }
        }

        _ = try await env.redis.send("CONFIG", "RESETSTAT")
        // One round trip at a time: while it is under way, the other sends gather for the next. Redis holds writes for
        // a moment so the first is still under way when the others come: on a loaded machine a quick round trip
        // otherwise finished before the next task ran, and every send went alone (a full-suite run counted 30 HINCRBY).
        _ = try await env.redis.send("CLIENT", "PAUSE", 300, "WRITE")
        let counter = SentCounter(events: events, maxBatch: 256, maxInFlight: 1)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (item, ack) in zip(sent, acks) { group.addTask { try await counter.count(item.move, ack: ack) } }
            try await group.waitForAll()
        }
        let stats = try #require(try await env.redis.send("INFO", "commandstats").string)
        let hincrby = Self.calls("hincrby", in: stats), xack = Self.calls("xack", in: stats)

        for e in Set(sent.map(\.move.eventId)) {
            let counts = try #require(try await events.load(e)).counts
            #expect(counts[.sent] == 10 && counts[.queued] == 0, "event \(e): \(counts)")
        }
        for item in sent {
            let fields = try #require(try await kit.notifications.loadRecord(item.move.notificationId)).1
            #expect(!EventStore.hasUncountedMoves(fields), "the mark is removed once counted")
        }
        for queue in queues { #expect(try await queue.pendingCount() == 0) }
        // Sent one by one, 30 sends would take 60 HINCRBY and 30 XACK; gathered, each batch takes two per event and one
        // XACK per stream.
        #expect(hincrby > 0 && hincrby < 30, "HINCRBY calls: \(hincrby)")
        #expect(xack > 0 && xack < 15, "XACK calls: \(xack)")
    }

    /// `calls=` of `cmdstat_<command>` in INFO commandstats.
    static func calls(_ command: String, in stats: String) -> Int {
        guard let line = stats.split(whereSeparator: \.isNewline).first(where: { $0.hasPrefix("cmdstat_\(command):") }),
              let field = line.split(separator: ",").first?.split(separator: "=").last else { return 0 }
        return Int(field) ?? 0
    }
}
