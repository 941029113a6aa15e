import Foundation
import NotifyCore
import NotifyStore
import NotifyTestSupport
import Redis
import Synchronization
import Testing
@testable import NotifyWorkers

/// The channel delivery's decisions against a real Redis, with providers whose answers the test scripts.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct DeliveryEngineTests {
    @Test func sentOnceThenARedeliveredEntrySendsNothing() async throws {
        let env = try await TestEnvironment()
        defer { env.stop() }
        let kit = DeliveryKit(env: env)
        let cpr = try await kit.resident()
        let n = try await kit.queued(cpr, channel: .sms)
        let sms = ScriptedAdapter("gw", [.success("gw-1")], postsReceipts: true)
        let delivery = kit.delivery(.sms, ChannelPools(ProviderPool([.init(adapter: sms)])))
        try await delivery.deliver(n.id)
        try await delivery.deliver(n.id)
        #expect(sms.calls == 1)
        #expect(sms.messages.first?.to == "+97336001234")
        #expect(sms.messages.first?.idempotencyKey == "\(n.id):sms")
        let loaded = try #require(try await kit.notifications.load(n.id))
        #expect(loaded.notification.status == .sent)
        // The provider and message id live in the target's mark and the timeline only, not again in fields of their own.
        #expect(loaded.fields["sent:sms"] == "gw gw-1")
        #expect(loaded.fields["provider"] == nil && loaded.fields["providerMessageId"] == nil)
        #expect(loaded.timeline.last?.detail == "accepted by gw (gw-1)")
        #expect(try await ProviderMessageIndex(redis: env.redis).notification(provider: "gw", messageId: "gw-1") == n.id)
        #expect(try await EventStore(redis: env.redis).load(n.eventId)?.counts[.sent] == 1)
    }

    @Test func liveLeaseIsLeftAloneAndAStaleOneIsTakenOver() async throws {
        let env = try await TestEnvironment()
        defer { env.stop() }
        let kit = DeliveryKit(env: env)
        let n = try await kit.queued(try await kit.resident(), channel: .email)
        let mail = ScriptedAdapter("smtp")
        let delivery = kit.delivery(.email, ChannelPools(ProviderPool([.init(adapter: mail)])))
        // Another worker moved it to sending a moment ago (or this entry's own send was cut off by a Redis failure):
        // nothing is sent, and the entry must not be acknowledged, or a send cut off stays `sending` for ever.
        _ = try await kit.notifications.move(n.id, to: .sending, detail: "sending", fields: ["sendingAt": String(Date().timeIntervalSince1970)])
        await #expect(throws: LeaseHeld.self) { try await delivery.deliver(n.id) }
        #expect(mail.calls == 0)
        #expect(try await kit.status(n.id) == .sending)
        // That worker died long ago: the lease is stale and the send is taken over.
        _ = try await env.redis.send("HSET", Keys.notification(n.id), "sendingAt", String(Date().timeIntervalSince1970 - 120))
        try await delivery.deliver(n.id)
        #expect(mail.calls == 1)
        #expect(try await kit.status(n.id) == .sent)
    }

    @Test func aFailureCutOffBeforeItsDeadLetterIsDeadLetteredWhenItsEntryComesBack() async throws {
        let env = try await TestEnvironment()
        defer { env.stop() }
        let kit = DeliveryKit(env: env)
        let n = try await kit.queued(try await kit.resident(), channel: .sms)
        // The worker recorded the failure and was killed before writing the dead letter; its entry was not acked.
        _ = try await kit.notifications.move(n.id, to: .failed, detail: "gave up after 5 attempts: gw: HTTP 503",
                                             fields: [DeadLetterStore.marker: "due"])
        let sms = ScriptedAdapter("gw")
        let delivery = kit.delivery(.sms, ChannelPools(ProviderPool([.init(adapter: sms)])))
        try await delivery.deliver(n.id)
        try await delivery.deliver(n.id)
        let letters = try await DeadLetterStore(redis: env.redis).list(.sms)
        #expect(letters.map(\.letter.notificationId) == [n.id])
        #expect(letters.first?.letter.lastError == "gave up after 5 attempts: gw: HTTP 503")
        #expect(try await env.redis.send("HGET", Keys.notification(n.id), DeadLetterStore.marker).string == "done")
        #expect(sms.calls == 0)
    }

    @Test func aRepeatedFailureReceiptWritesADeadLetterTheFirstOneCutOff() async throws {
        let env = try await TestEnvironment()
        defer { env.stop() }
        let kit = DeliveryKit(env: env)
        let n = try await kit.queued(try await kit.resident(), channel: .sms)
        _ = try await kit.notifications.move(n.id, to: .sending, detail: "sending")
        _ = try await kit.notifications.move(n.id, to: .sent, detail: "accepted by gw (gw-1)")
        // The API recorded the failure receipt and stopped before the dead letter; the provider posts the receipt again.
        _ = try await kit.notifications.move(n.id, to: .failed, detail: "not delivered (gateway receipt)", fields: [DeadLetterStore.marker: "due"])
        let outcomes = DeliveryOutcomes(redis: env.redis)
        #expect(try await outcomes.record(n.id, .failed, detail: "not delivered (gateway receipt)") == .ignored(current: .failed))
        #expect(try await outcomes.record(n.id, .failed, detail: "not delivered (gateway receipt)") == .ignored(current: .failed))
        #expect(try await DeadLetterStore(redis: env.redis).list(.sms).map(\.letter.notificationId) == [n.id])
    }

    @Test func aMoveWhoseCountWasCutOffIsCountedOnceWhenItsEntryComesBack() async throws {
        let env = try await TestEnvironment()
        defer { env.stop() }
        let kit = DeliveryKit(env: env)
        let n = try await kit.queued(try await kit.resident(), channel: .sms)
        let events = EventStore(redis: env.redis)
        // The worker recorded `sent` and stopped (or Redis failed) before the event's counts followed.
        _ = try await kit.notifications.move(n.id, to: .sending, detail: "sending")
        _ = try await kit.notifications.move(n.id, to: .sent, detail: "accepted by gw (gw-1)")
        #expect(try await events.load(n.eventId)?.counts[.queued] == 1)
        // The move's mark is named after its timeline line (the second: `sending` was the first).
        #expect(try await env.redis.send("HGET", Keys.notification(n.id), "u2").string == "queued>sent")
        let sms = ScriptedAdapter("gw")
        let delivery = kit.delivery(.sms, ChannelPools(ProviderPool([.init(adapter: sms)])))
        try await delivery.deliver(n.id)
        try await delivery.deliver(n.id)
        let counts = try #require(try await events.load(n.eventId)?.counts)
        #expect(counts[.queued] == 0 && counts[.sent] == 1, "\(counts)")
        #expect(!EventStore.hasUncountedMoves(try await CountMarkTests.fields(env, n.id)))
        #expect(sms.calls == 0)
        // A move counted as it happens leaves nothing to repair.
        _ = try await DeliveryOutcomes(redis: env.redis).record(n.id, .delivered, detail: "delivered (gateway receipt)")
        #expect(!EventStore.hasUncountedMoves(try await CountMarkTests.fields(env, n.id)))
        #expect(try await events.load(n.eventId)?.counts[.delivered] == 1)
        #expect(try await events.load(n.eventId)?.counts[.sent] == 0)
    }

    /// Only a provider whose receipts name just its own message id gets message id index entries: one whose receipts
    /// name the notification, or one that posts no receipts, gets none.
    @Test func onlyReceiptsThatNameJustTheMessageIdGetIndexEntries() async throws {
        let env = try await TestEnvironment()
        defer { env.stop() }
        let kit = DeliveryKit(env: env)
        for (id, posts, names) in [("gw-n1", true, true), ("gw-n2", false, false), ("gw-n3", true, false)] {
            let n = try await kit.queued(try await kit.resident(), channel: .sms)
            let sms = ScriptedAdapter("gw", [.success(id)], postsReceipts: posts, receiptsNameNotification: names)
            try await kit.delivery(.sms, ChannelPools(ProviderPool([.init(adapter: sms)]))).deliver(n.id)
            let loaded = try #require(try await kit.notifications.load(n.id))
            #expect(loaded.notification.status == .sent)
            #expect(loaded.fields["sent:sms"] == "gw \(id)")
            let indexed = try await env.redis.send("EXISTS", Keys.providerMessage(provider: "gw", messageId: id)).int == 1
            #expect(indexed == (posts && !names), "\(id)")
        }
    }

    @Test func acceptedBeforeACrashIsNotSentAgain() async throws {
        let env = try await TestEnvironment()
        defer { env.stop() }
        let kit = DeliveryKit(env: env)
        let n = try await kit.queued(try await kit.resident(), channel: .sms)
        // The provider accepted it and the worker died before recording `sent`.
        _ = try await kit.notifications.move(n.id, to: .sending, detail: "sending", fields: ["sendingAt": String(Date().timeIntervalSince1970 - 120)])
        try await kit.notifications.markAccepted(n.id, target: "sms", provider: "gw", messageId: "gw-9")
        let sms = ScriptedAdapter("gw")
        try await kit.delivery(.sms, ChannelPools(ProviderPool([.init(adapter: sms)]))).deliver(n.id)
        #expect(sms.calls == 0)
        let loaded = try #require(try await kit.notifications.load(n.id))
        #expect(loaded.notification.status == .sent)
        #expect(loaded.fields["sent:sms"] == "gw gw-9")
        #expect(loaded.fields["providerMessageId"] == nil)
        #expect(loaded.timeline.last?.detail == "accepted by gw (gw-9)")
    }

    /// Sent once and counted once: the record is `sent`, no move waits for its count, and the event counts it as sent.
    static func expectSentOnceAndCounted(_ env: TestEnvironment, _ n: NotificationRecord, calls: Int) async throws {
        #expect(try await DeliveryKit(env: env).status(n.id) == .sent)
        #expect(!EventStore.hasUncountedMoves(try await CountMarkTests.fields(env, n.id)))
        let counts = try #require(try await EventStore(redis: env.redis).load(n.eventId)?.counts)
        #expect(counts[.queued] == 0 && counts[.sent] == 1, "\(counts)")
        #expect(calls == 1)
    }

    /// Redis refusing writes just as the provider accepts (here it is out of memory; in a chaos run it restarted): the
    /// worker records the acceptance once Redis takes writes again, within the lease, so the message is not sent twice.
    @Test func anAcceptanceIsRecordedOnceRedisTakesWritesAgain() async throws {
        let env = try await TestEnvironment()
        defer { env.stop() }
        let (n, sms, delivery) = try await Self.deliverWhileRedisRefuses(env, stop: ["CONFIG", "SET", "maxmemory", "1"],
                                                                         undo: ["CONFIG", "SET", "maxmemory", "0"])
        #expect(try await DeliveryKit(env: env).notifications.load(n.id)?.fields["sent:sms"] == "gw gw-1")
        // The entry handled again, as after a reclaim: nothing more is sent.
        try await delivery.deliver(n.id)
        try await Self.expectSentOnceAndCounted(env, n, calls: sms.calls)
    }

    /// Delivers one queued SMS while `stop` keeps Redis from taking some of the acceptance's writes, until `undo` 400 ms
    /// after the provider accepted.
    static func deliverWhileRedisRefuses(_ env: TestEnvironment, stop: [String],
                                         undo: [String]) async throws -> (NotificationRecord, WriteStoppingAdapter, ChannelDelivery) {
        let kit = DeliveryKit(env: env)
        let n = try await kit.queued(try await kit.resident(), channel: .sms)
        let sms = WriteStoppingAdapter(redis: env.redis, stop: stop)
        let delivery = kit.delivery(.sms, ChannelPools(ProviderPool([.init(adapter: sms)])), lease: .seconds(20))
        async let writesBack: Void = sms.undo(undo)
        try await delivery.deliver(n.id)
        try await writesBack
        return (n, sms, delivery)
    }

    /// The first try's move to `sent` went through but not a mark beside it (SET is denied): its answer is kept, so the
    /// move is counted at once, with nothing sent again and nothing left for the reclaim.
    @Test func aMoveMadeByAnEarlierTryIsKeptAndCounted() async throws {
        let env = try await TestEnvironment()
        defer { env.stop() }
        let (n, sms, _) = try await Self.deliverWhileRedisRefuses(env, stop: ["ACL", "SETUSER", "default", "-set"],
                                                                  undo: ["ACL", "SETUSER", "default", "+set"])
        try await Self.expectSentOnceAndCounted(env, n, calls: sms.calls)
    }

    /// A try's answers lost whole (Redis stalled past the client's timeout, then ran the commands): the next try finds
    /// the move to `sent` made and does not know its count mark, so the entry is left for the reclaim, which counts the
    /// move once and sends nothing.
    @Test func aMoveWhoseAnswerWasLostIsCountedByTheReclaim() async throws {
        let env = try await TestEnvironment()
        defer { env.stop() }
        let kit = DeliveryKit(env: env)
        let n = try await kit.queued(try await kit.resident(), channel: .sms)
        var configuration = try RedisConfiguration(url: env.redisServer.url)
        configuration.commandTimeout = .milliseconds(300)
        let impatient = RedisClient(configuration: configuration, poolSize: 1, logger: env.logger)
        defer { impatient.close() }
        let sms = StallingAdapter(port: env.redisServer.port)
        let delivery = kit.delivery(.sms, ChannelPools(ProviderPool([.init(adapter: sms)])), lease: .seconds(20), redis: impatient)
        await #expect(throws: AcceptanceRecordedLate.self) { try await delivery.deliver(n.id) }
        #expect(try await kit.status(n.id) == .sent)
        #expect(EventStore.hasUncountedMoves(try await CountMarkTests.fields(env, n.id)))

        try await delivery.deliver(n.id)
        try await Self.expectSentOnceAndCounted(env, n, calls: sms.calls)
    }

    @Test func transientFailuresWaitInTheDelayedSetThenDeadLetterWithTheirHistory() async throws {
        let env = try await TestEnvironment()
        defer { env.stop() }
        let kit = DeliveryKit(env: env)
        // Verification codes never fall back to another channel, so running out of attempts fails the delivery.
        let n = try await kit.queued(try await kit.resident(), channel: .sms, type: "verification.code")
        let sms = ScriptedAdapter("gw", [.failure(.transient("gw: HTTP 503", retryAfter: .seconds(30)))])
        let delivery = kit.delivery(.sms, ChannelPools(ProviderPool([.init(adapter: sms)])), maxAttempts: 3)
        let delayed = DelayedQueue(redis: env.redis, queue: "sms")

        try await delivery.deliver(n.id)
        #expect(try await kit.status(n.id) == .queued)
        // Retry-After (30 s) wins over the 50 ms backoff.
        let score = try #require(try await env.redis.send("ZSCORE", Keys.delayed("sms"), n.id).string.flatMap(Double.init))
        #expect(score > Date().timeIntervalSince1970 * 1000 + 25_000)
        #expect(try await delayed.moveDue() == 0)
        #expect(try await delayed.moveDue(now: Date().addingTimeInterval(31)) == 1)
        #expect(try await env.redis.send("XLEN", Keys.stream("sms")).int == 1)

        try await delivery.deliver(n.id)
        try await delivery.deliver(n.id)
        #expect(sms.calls == 3)
        let loaded = try #require(try await kit.notifications.load(n.id))
        #expect(loaded.notification.status == .failed)
        #expect(loaded.notification.attempts == 3)
        let letters = try await DeadLetterStore(redis: env.redis).list(.sms)
        #expect(letters.count == 1)
        let letter = try #require(letters.first?.letter)
        #expect(letter.notificationId == n.id)
        #expect(letter.attempts == 3)
        #expect(letter.lastError.contains("gave up after 3 attempts"))
        #expect(letter.history.filter { $0.status == .sending }.count == 3)
        #expect(letter.history.last?.status == .failed)
    }

    @Test func backoffGrowsAndIsJittered() {
        let b = Backoff(base: .seconds(2), cap: .seconds(60))
        #expect(b.delay(attempt: 1, random: 0) == .seconds(1))
        #expect(b.delay(attempt: 1, random: 0.999) < .seconds(2))
        #expect(b.delay(attempt: 3, random: 0) == .seconds(4))
        #expect(b.delay(attempt: 20, random: 0.999) <= .seconds(60))
        #expect(b.delay(attempt: 1, retryAfter: .seconds(10), random: 0) == .seconds(10))
        #expect(b.delay(attempt: 1, retryAfter: .seconds(600), random: 0) == .seconds(600))
    }

    @Test func permanentFailureFallsBackToTheNextChannel() async throws {
        let env = try await TestEnvironment()
        defer { env.stop() }
        let kit = DeliveryKit(env: env)
        let n = try await kit.queued(try await kit.resident(), channel: .sms)
        let sms = ScriptedAdapter("gw", [.failure(.permanent("gw: invalid phone number"))])
        try await kit.delivery(.sms, ChannelPools(ProviderPool([.init(adapter: sms)]))).deliver(n.id)
        let moved = try #require(try await kit.notifications.load(n.id))
        #expect(moved.notification.status == .queued)
        #expect(moved.notification.channel == .email)
        #expect(moved.notification.message?.subject?.hasPrefix("Traffic fine") == true)
        #expect(moved.timeline.last?.detail.contains("falling back to email") == true)

        let mail = ScriptedAdapter("smtp")
        let email = kit.delivery(.email, ChannelPools(ProviderPool([.init(adapter: mail)])))
        try await email.deliver(n.id)
        #expect(mail.calls == 1)
        #expect(mail.messages.first?.to == "f@example.bh")
        // Traffic is an optional category: the email carries a one-click unsubscribe link.
        #expect(mail.messages.first?.unsubscribeURL?.hasPrefix("https://notify.example.bh/v1/unsubscribe/") == true)
        #expect(try await kit.status(n.id) == .sent)
        // The stale SMS entry, redelivered, sends nothing.
        try await kit.delivery(.sms, ChannelPools(ProviderPool([.init(adapter: sms)]))).deliver(n.id)
        #expect(sms.calls == 1)
    }

    @Test func retriesRunOutOnOneChannelThenTheNextIsTried() async throws {
        let env = try await TestEnvironment()
        defer { env.stop() }
        let kit = DeliveryKit(env: env)
        let n = try await kit.queued(try await kit.resident(), channel: .sms)
        let sms = ScriptedAdapter("gw", [.failure(.transient("gw: HTTP 503"))])
        let delivery = kit.delivery(.sms, ChannelPools(ProviderPool([.init(adapter: sms)])), maxAttempts: 2)
        try await delivery.deliver(n.id)
        try await delivery.deliver(n.id)
        let loaded = try #require(try await kit.notifications.load(n.id))
        #expect(loaded.notification.channel == .email)
        #expect(loaded.notification.status == .queued)
        #expect(loaded.fields["attemptsBefore"] == "2")
        #expect(try await env.redis.send("XLEN", Keys.stream("email")).int == 1)
    }

    @Test func permanentFailureWithoutFallbackIsDeadLettered() async throws {
        let env = try await TestEnvironment()
        defer { env.stop() }
        let kit = DeliveryKit(env: env)
        let n = try await kit.queued(try await kit.resident(), channel: .sms, type: "verification.code")
        let sms = ScriptedAdapter("gw", [.failure(.permanent("gw: invalid phone number"))])
        try await kit.delivery(.sms, ChannelPools(ProviderPool([.init(adapter: sms)]))).deliver(n.id)
        #expect(try await kit.status(n.id) == .failed)
        #expect(try await DeadLetterStore(redis: env.redis).list(.sms).first?.letter.lastError.contains("invalid phone number") == true)
    }

    @Test func deadPushTokensArePrunedAndLiveDevicesStillGetTheMessage() async throws {
        let env = try await TestEnvironment()
        defer { env.stop() }
        let kit = DeliveryKit(env: env)
        let cpr = try await kit.resident()
        let devices = DeviceStore(redis: env.redis, cipher: env.deps.cipher)
        let dead = try Device(id: "dev_" + String(repeating: "a", count: 32), platform: .fcm, token: "dead-token-0123456789abc", subscription: nil, createdAt: Date())
        let live = try Device(id: "dev_" + String(repeating: "b", count: 32), platform: .apns, token: String(repeating: "ab", count: 32), subscription: nil,
                              createdAt: Date().addingTimeInterval(1))
        _ = try await devices.register(dead, cpr: cpr, max: 5)
        _ = try await devices.register(live, cpr: cpr, max: 5)
        let n = try await kit.queued(cpr, channel: .push)
        let fcm = ScriptedAdapter("fcm", [.failure(.deadRecipient("fcm: UNREGISTERED"))])
        let apns = ScriptedAdapter("apns", [.success("apns-1")])
        let pools = ChannelPools(push: [.fcm: ProviderPool([.init(adapter: fcm)]), .apns: ProviderPool([.init(adapter: apns)])])
        try await kit.delivery(.push, pools).deliver(n.id)
        #expect(fcm.calls == 1)
        #expect(apns.calls == 1)
        #expect(try await kit.status(n.id) == .sent)
        #expect(try await devices.list(cpr).map(\.id) == [live.id])
    }

    @Test func rateLimitIsSharedThroughRedis() async throws {
        let env = try await TestEnvironment()
        defer { env.stop() }
        let a = RateLimiter(redis: env.redis)
        // Half a token per second: the burst of 10 goes at once, then one more every 2 s (a loaded machine may take
        // seconds over the 25 tries, so what refilled meanwhile is allowed for).
        let started = ContinuousClock.now
        var granted = 0
        for _ in 0..<25 where try await a.take("provider:gw", rate: 0.5, burst: 10) == nil { granted += 1 }
        let refilled = Int((ContinuousClock.now - started) / .seconds(2)) + 1
        #expect(granted >= 10 && granted <= 10 + refilled, "\(granted) granted")
        // A second limiter (another process) shares the bucket: its five tokens are seconds away, where a bucket of
        // its own would still hold ten.
        let wait = try #require(try await RateLimiter(redis: env.redis).take("provider:gw", rate: 0.5, burst: 10, cost: 5))
        #expect(wait > .seconds(2) && wait <= .seconds(10))
        // Refused, it says how long until the next token; after that long, it is there (unless one came already).
        if let next = try await a.take("provider:gw", rate: 0.5, burst: 10) {
            #expect(next <= .seconds(2))
            try await Task.sleep(for: next + .milliseconds(50))
            #expect(try await a.take("provider:gw", rate: 0.5, burst: 10) == nil)
        }
    }
}

/// Accepts every message, having first made Redis refuse some writes (`stop`): the moment between a provider's
/// acceptance and its record, when Redis fails.
final class WriteStoppingAdapter: ProviderAdapter {
    let name = "gw"
    let redis: RedisClient
    let stop: [String]
    private let sent = Mutex(0)

    init(redis: RedisClient, stop: [String]) {
        self.redis = redis
        self.stop = stop
    }

    var calls: Int { sent.withLock { $0 } }

    func send(_ message: OutboundMessage) async throws -> ProviderAcceptance {
        _ = try await run(stop)
        sent.withLock { $0 += 1 }
        return ProviderAcceptance(messageId: "gw-1")
    }

    /// Once a message was sent, waits a while and has Redis take writes again with `command`.
    func undo(_ command: [String]) async throws {
        while calls == 0 { try await Task.sleep(for: .milliseconds(10)) }
        try await Task.sleep(for: .milliseconds(400))
        _ = try await run(command)
    }

    private func run(_ words: [String]) async throws -> RedisValue {
        try await redis.send(RedisCommand(words[0], words.dropFirst().map { $0 as any RedisArgument }))
    }
}

/// Accepts every message, having first sent Redis `DEBUG SLEEP 2` without waiting for its answer: the commands that record
/// the acceptance wait behind it, past an impatient client's timeout, and then run with no one to hear their answers.
final class StallingAdapter: ProviderAdapter {
    let name = "gw"
    let port: Int
    private let sent = Mutex(0)
    private let connections = Mutex<[RawConnection]>([])

    init(port: Int) { self.port = port }

    var calls: Int { sent.withLock { $0 } }

    func send(_ message: OutboundMessage) async throws -> ProviderAcceptance {
        let stall = try RawConnection(port: port)
        stall.send("*3\r\n$5\r\nDEBUG\r\n$5\r\nSLEEP\r\n$1\r\n2\r\n")
        // Kept open: closed at once, the command could be dropped unread.
        connections.withLock { $0.append(stall) }
        // Time for Redis to take it up, however loaded the machine, before the worker's writes follow.
        try await Task.sleep(for: .milliseconds(300))
        sent.withLock { $0 += 1 }
        return ProviderAcceptance(messageId: "gw-1")
    }
}
