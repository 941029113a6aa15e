import Foundation
import NotifyCore
@testable import NotifyStore
import Redis
import Testing
@testable import NotifyWorkers

/// A receipt batch whose moves are written but whose counts are not (Redis restarted, the API process killed), and
/// that its provider does not send again: the expiry sweep finishes it a minute later, not when the 24-hour wait ends.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct ReceiptJournalTests {
    /// Commands the counts and settling use: while Redis refuses them, a receipt's recording stops after its moves.
    static let afterTheMoves = ["hincrby", "hdel", "zrem"]

    /// A receipt's move keeps the receipt on a record whose send is not recorded yet, in the same script that looks at
    /// the status (so the move to `sent` cannot come in between); other refusals, and other moves, keep nothing.
    @Test func aReceiptIsHeldOnlyOnARecordNotYetSent() async throws {
        try await ReceiptsTests().withApp { kit, _ in
            let store = kit.notifications
            func receipt(_ id: String, holding: Bool = true) async throws -> NotificationStore.Transition {
                let command = store.transitionCommand(id, to: .delivered, detail: "delivered (gateway receipt)", holdingReceipt: holding)
                return try await store.transition(command, id: id, to: .delivered, detail: "delivered (gateway receipt)", now: Date())
            }
            func pending(_ id: String) async throws -> String? {
                try await kit.env.redis.send("HGET", Keys.notification(id), "pendingReceipt").string
            }
            let sending = try await kit.queued(try await kit.resident(), channel: .sms)
            _ = try await store.move(sending.id, to: .sending, detail: "sending")
            #expect(try await receipt(sending.id, holding: false).receiptHeld == false)
            #expect(try await pending(sending.id) == nil)
            let held = try await receipt(sending.id)
            #expect(held.receiptHeld && held.move == .refused(current: .sending))
            #expect(try await pending(sending.id) == "delivered delivered (gateway receipt)")
            // The move to `sent` returns it.
            #expect(try await store.transition(sending.id, to: .sent, detail: "accepted").pendingReceipt == "delivered delivered (gateway receipt)")

            let sent = try await ReceiptsTests.sent(kit, provider: "gw", messageId: "gw-h1")
            #expect(try await receipt(sent.id).move == .moved(from: .sent))
            let again = try await receipt(sent.id)
            #expect(again.move == .refused(current: .delivered) && !again.receiptHeld)
            #expect(try await pending(sent.id) == nil)
        }
    }

    /// A recording that fails while Redis refuses for a moment forgets its body once Redis answers again, so the
    /// provider's retry signed in the same second records the receipts instead of passing for a replay.
    @Test func aFailedRecordingForgetsItsBodyOnceRedisAnswersAgain() async throws {
        try await ReceiptsTests().withApp { kit, client in
            let redis = kit.env.redis
            let n = try await ReceiptsTests.sent(kit, provider: "gw", messageId: "gw-k1")
            let denied = Self.afterTheMoves + ["del"]
            _ = try await redis.send(RedisCommand("ACL", ["SETUSER", "default"] + denied.map { "-\($0)" as any RedisArgument }))
            let at = Int(Date().timeIntervalSince1970)
            let body = #"{"receipts":[{"id":"gw-k1","status":"delivered"}]}"#
            _ = try await redis.send("ACL", "LOG", "RESET")
            async let first = ReceiptsTests.gatewayBody(client, body, at: at)
            // Redis answers again once the request, its counts refused, has tried to remove the key and been refused too.
            var waited = 0
            while try await !Self.refused("del", redis), waited < 200 {
                waited += 1
                try await Task.sleep(for: .milliseconds(25))
            }
            _ = try await redis.send(RedisCommand("ACL", ["SETUSER", "default"] + denied.map { "+\($0)" as any RedisArgument }))
            #expect(try await first.code >= 500)

            #expect(try await ReceiptsTests.gatewayBody(client, body, at: at) == .noContent)
            #expect(try await kit.status(n.id) == .delivered)
            let fields = try #require(try await NotificationStore(redis: redis).loadRecord(n.id)?.fields)
            #expect(!EventStore.hasUncountedMoves(fields))
            #expect(try await EventStore(redis: redis).load(n.eventId)?.counts[.delivered] == 1)
            #expect(try await ReceiptWatch(redis: redis).count(dueBy: Date().addingTimeInterval(ReceiptWatch.journalGrace + 5)) == 0)
        }
    }

    /// Whether Redis refused `command` since the ACL log was last reset.
    static func refused(_ command: String, _ redis: RedisClient) async throws -> Bool {
        try await redis.send("ACL", "LOG").array?.contains { ($0.array ?? []).contains { $0.string == command } } ?? false
    }

    @Test func aReceiptCutOffAfterItsMoveIsFinishedByTheSweep() async throws {
        try await ReceiptsTests().withApp { kit, client in
            let redis = kit.env.redis
            let delivered = try await ReceiptsTests.sent(kit, provider: "gw", messageId: "gw-j1")
            let failed = try await ReceiptsTests.sent(kit, provider: "gw", messageId: "gw-j2")
            _ = try await redis.send(RedisCommand("ACL", ["SETUSER", "default"] + Self.afterTheMoves.map { "-\($0)" as any RedisArgument }))
            let batch = #"{"receipts":[{"id":"gw-j1","status":"delivered"},{"id":"gw-j2","status":"failed","error":"unknown_subscriber"}]}"#
            let status = try await ReceiptsTests.gatewayBody(client, batch)
            _ = try await redis.send(RedisCommand("ACL", ["SETUSER", "default"] + Self.afterTheMoves.map { "+\($0)" as any RedisArgument }))
            #expect(status.code >= 500)

            // Moved, not counted; the provider gives up.
            #expect(try await kit.status(delivered.id) == .delivered)
            #expect(try await kit.status(failed.id) == .failed)
            let fields = try #require(try await NotificationStore(redis: redis).loadRecord(delivered.id)?.fields)
            #expect(EventStore.hasUncountedMoves(fields))
            let events = EventStore(redis: redis)
            #expect(try await events.load(delivered.eventId)?.counts[.sent] == 1)

            // Not while its recording may still be under way (half the grace ahead: a loaded machine took 5 s to get here).
            let expiry = ReceiptExpiry(redis: redis, logger: kit.env.logger)
            #expect(try await expiry.sweep(now: Date().addingTimeInterval(ReceiptWatch.journalGrace / 2)) == 0)
            #expect(try await events.load(delivered.eventId)?.counts[.sent] == 1)

            #expect(try await expiry.sweep(now: Date().addingTimeInterval(ReceiptWatch.journalGrace + 1)) == 0)
            for n in [delivered, failed] {
                let counts = try #require(try await events.load(n.eventId)).counts
                #expect(counts[.sent] == 0 && counts[.delivered, default: 0] + counts[.failed, default: 0] == 1, "\(counts)")
                let after = try #require(try await NotificationStore(redis: redis).loadRecord(n.id)?.fields)
                #expect(!EventStore.hasUncountedMoves(after))
            }
            let dead = try await DeadLetterStore(redis: redis).list(.sms, count: 10)
            #expect(dead.map(\.letter.notificationId) == [failed.id])
            // Nothing is left waiting: neither the kept receipts nor the notifications they answered.
            #expect(try await ReceiptWatch(redis: redis).count() == 0)
            #expect(try await kit.status(delivered.id) == .delivered)
        }
    }

    @Test func aReceiptRecordedWholeLeavesNothingForTheSweep() async throws {
        try await ReceiptsTests().withApp { kit, client in
            let n = try await ReceiptsTests.sent(kit, provider: "gw", messageId: "gw-j3")
            #expect(try await ReceiptsTests.gateway(client, id: "gw-j3", status: "delivered") == .noContent)
            #expect(try await ReceiptWatch(redis: kit.env.redis).count() == 0)
            let expiry = ReceiptExpiry(redis: kit.env.redis, logger: kit.env.logger)
            #expect(try await expiry.sweep(now: Date().addingTimeInterval(ReceiptWatch.journalGrace + 1)) == 0)
            #expect(try await EventStore(redis: kit.env.redis).load(n.eventId)?.counts[.delivered] == 1)
        }
    }

    @Test func keptReceiptsAreOneMemberInTheFirstOnesShard() throws {
        let reports = [DeliveryOutcomes.Report("ntf_a1", .failed, detail: "not delivered: unknown\nsubscriber\r\n(gateway receipt)"),
                       DeliveryOutcomes.Report("ntf_03", .delivered, detail: "delivered (gateway receipt)")]
        let member = ReceiptWatch.journalMember(reports)
        #expect(ReceiptWatch.isJournal(member) && !ReceiptWatch.isJournal("ntf_a1"))
        let back = ReceiptWatch.journaled(member)
        #expect(back.map(\.id) == ["ntf_a1", "ntf_03"] && back.map(\.status) == [.failed, .delivered])
        // A line break in a provider's text cannot split a receipt in two.
        #expect(back.map(\.detail) == ["not delivered: unknown subscriber (gateway receipt)", "delivered (gateway receipt)"])
        #expect(ReceiptWatch.journaled("ntf_a1").isEmpty && ReceiptWatch.journaled("r:ntf_a1 nonsense x").isEmpty)
        #expect(ReceiptWatch.journalCommand(member: member, now: Date(timeIntervalSince1970: 100)) == RedisCommand("ZADD", Keys.awaitingReceipt(shard: 10), 160_000, member))
        #expect(ReceiptWatch.settleCommands(["ntf_a1", member]) == [RedisCommand("ZREM", Keys.awaitingReceipt(shard: 10), "ntf_a1", member)])
    }
}
