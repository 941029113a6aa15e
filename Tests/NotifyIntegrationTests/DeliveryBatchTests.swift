import Foundation
import NotifyCore
import NotifyStore
import Testing
@testable import NotifyWorkers

/// A window's notifications read and started together: the common case goes the batch way, every other case is left
/// to the one-by-one path that knows how to handle it.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct DeliveryBatchTests {
    @Test func queuedNotificationsAreStartedTogetherAndTheRestGoOneByOne() async throws {
        let env = try await TestEnvironment()
        defer { env.stop() }
        let kit = DeliveryKit(env: env)
        var residents: [CPR] = []
        var ready: [NotificationRecord] = []
        for i in 0..<3 {
            residents.append(try await kit.resident("88010123\(i)", phone: "+9733600123\(i)", email: "r\(i)@example.bh"))
            ready.append(try await kit.queued(residents[i], channel: .sms))
        }
        let onEmail = try await kit.queued(residents[0], channel: .email)
        let inFlight = try await kit.queued(residents[1], channel: .sms)
        _ = try await kit.notifications.move(inFlight.id, to: .sending, detail: "sending", fields: ["sendingAt": String(Date().timeIntervalSince1970)])
        let erased = try await kit.queued(try CPR("880101299"), channel: .sms)
        let sms = ScriptedAdapter("gw", (1...3).map { .success("gw-\($0)") })
        let delivery = kit.delivery(.sms, ChannelPools(ProviderPool([.init(adapter: sms)])))

        let ids = ready.map(\.id) + [onEmail.id, inFlight.id, erased.id, "ntf_missing", ""]
        let prepared = await delivery.start(ids)
        #expect(prepared.count == ids.count)
        var plans: [SendPlan] = []
        for p in prepared.prefix(3) {
            guard case .started(let plan, .moved(from: .queued)) = p else { Issue.record("not started: \(p)"); continue }
            plans.append(plan)
        }
        #expect(plans.map(\.notification.id) == ready.map(\.id))
        for p in prepared.dropFirst(3) {
            guard case .individually = p else { Issue.record("started off the common path: \(p)"); continue }
        }
        // Started means moved to sending, lease and attempt included, before any provider call.
        for n in ready {
            let loaded = try #require(try await kit.notifications.load(n.id))
            #expect(loaded.notification.status == .sending && loaded.notification.attempts == 1 && loaded.fields["sendingAt"] != nil)
        }
        #expect(sms.calls == 0)

        // Each started one is sent on its own; its queue entry is acknowledged in the round trip of its count.
        let queue = WorkQueue(redis: env.redis, stream: "nm:{test}:batch", group: "g")
        try await queue.ensureGroup()
        try await queue.add(plans.map { ["notification": $0.notification.id] })
        let connection = env.redis.makeBlockingConnection(name: "batch-test")
        defer { connection.close() }
        let entries = try await queue.read(consumer: "w", count: 10, block: nil, pending: false, on: connection)
        #expect(entries.count == 3)
        for (plan, entry) in zip(plans, entries) {
            #expect(try await delivery.transmit(plan, started: .moved(from: .queued), ack: SentCounter.Ack(queue: queue, entryId: entry.id)))
        }
        #expect(try await queue.pendingCount() == 0)
        #expect(sms.calls == 3)
        for n in ready { #expect(try await kit.status(n.id) == .sent) }
        let counts = try #require(try await EventStore(redis: env.redis).load(ready[0].eventId)).counts
        #expect(counts[.sent] == 1 && counts[.queued] == 0)
        // The ones left alone are as they were.
        #expect(try await kit.status(onEmail.id) == .queued)
        #expect(try await kit.status(inFlight.id) == .sending)
        #expect(try await kit.status(erased.id) == .queued)
    }

    /// A batch reads only the address of its own channel: a send that fails for good still falls back on the others.
    @Test func aBatchSendThatFailsForGoodStillFallsBackToTheNextChannel() async throws {
        let env = try await TestEnvironment()
        defer { env.stop() }
        let kit = DeliveryKit(env: env)
        let n = try await kit.queued(try await kit.resident(), channel: .sms)
        let sms = ScriptedAdapter("gw", [.failure(.permanent("gw: invalid phone number"))])
        let delivery = kit.delivery(.sms, ChannelPools(ProviderPool([.init(adapter: sms)])))
        guard case .started(let plan, let move) = try #require(await delivery.start([n.id]).first) else {
            Issue.record("not started")
            return
        }
        #expect(plan.contact.email == nil && plan.contact.phone?.e164 == "+97336001234")
        #expect(try await !delivery.transmit(plan, started: move))
        let moved = try #require(try await kit.notifications.load(n.id))
        #expect(moved.notification.status == .queued && moved.notification.channel == .email)
        #expect(moved.timeline.last?.detail.contains("falling back to email") == true)
    }
}
