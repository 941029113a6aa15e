import Foundation
import Logging
import NotifyCore
import NotifyStore
import Testing
import Transport
@testable import NotifyWorkers

/// A second queue entry for a notification another worker is sending must not send it again.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct EmailLeaseTests {
    /// Counts sends instead of talking SMTP: what is under test is the decision to send.
    final class CountingSender: EmailSender, @unchecked Sendable {
        // @unchecked: `count` is only touched under `lock`.
        private let lock = NSLock()
        private var count = 0
        var sent: Int { lock.withLock { count } }
        func send(_ message: MailMessage, from envelopeSender: String, to recipient: String) async throws {
            lock.withLock { count += 1 }
        }
    }

    @Test func liveLeaseIsLeftAloneAndAStaleOneIsTakenOver() async throws {
        let env = try await TestEnvironment()
        defer { env.stop() }
        let cpr = try CPR("880101234")
        let contacts = ContactStore(redis: env.redis, cipher: env.deps.cipher)
        try await contacts.save(Contact(cpr: cpr, email: try EmailAddress("f@example.bh"), language: .en, verified: [.email]))
        let store = NotificationStore(redis: env.redis)
        let n = NotificationRecord(id: Digest.notificationID(eventId: "evt_lease", cpr: cpr), eventId: "evt_lease", eventType: "traffic.fine-issued",
                                   entity: "traffic", cpr: cpr, channel: .email, status: .queued, language: .en,
                                   message: RenderedMessage(subject: "s", body: "b"), createdAt: Date())
        _ = try await store.create([n]) { _ in "queued" }
        let sender = CountingSender()
        let delivery = EmailDelivery(notifications: store, contacts: contacts, events: EventStore(redis: env.redis),
                                     queue: WorkQueue(redis: env.redis, stream: Keys.stream("email"), group: "email"), sender: sender,
                                     fromHeader: "NotifyMe <no-reply@notify.gov.bh>", maxAttempts: 3, lease: .seconds(60), logger: env.logger)

        // Another worker moved it to sending a moment ago.
        _ = try await store.move(n.id, to: .sending, detail: "submitting", fields: ["sendingAt": String(Date().timeIntervalSince1970)])
        try await delivery.deliver(n.id)
        #expect(sender.sent == 0)
        #expect(try await store.load(n.id)?.notification.status == .sending)

        // That worker died long ago: the lease is stale and the send is taken over.
        _ = try await env.redis.send("HSET", Keys.notification(n.id), "sendingAt", String(Date().timeIntervalSince1970 - 120))
        try await delivery.deliver(n.id)
        #expect(sender.sent == 1)
        #expect(try await store.load(n.id)?.notification.status == .sent)

        // A late duplicate entry finds it sent and sends nothing.
        try await delivery.deliver(n.id)
        #expect(sender.sent == 1)
    }
}
