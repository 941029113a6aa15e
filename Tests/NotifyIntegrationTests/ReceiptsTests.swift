import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import NotifyAPI
import NotifyConfig
import NotifyCore
import NotifyStore
import Redis
import Testing
@testable import NotifyWorkers
@testable import ProviderSim

/// POST /v1/receipts/{provider}: signatures as each provider signs, the state machine deciding what moves.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct ReceiptsTests {
    static let secret = "gw-webhook-secret"
    static let token = "twilio-auth-token"
    static let callback = "https://notify.example.bh/v1/receipts/tw"

    /// An app whose SMS providers are a gateway and Twilio with known secrets, and a kit to make sent notifications.
    func withApp(_ body: @escaping @Sendable (DeliveryKit, any TestClientProtocol) async throws -> Void) async throws {
        let env = try await TestEnvironment(yaml: """
            providers:
              sms:
                - {name: gw, type: gateway, url: "http://127.0.0.1:9/sms", apiKey: k, webhookSecret: \(Self.secret)}
                - {name: tw, type: twilio, accountSid: AC1, authToken: \(Self.token), statusCallback: "\(Self.callback)"}
            """)
        defer { env.stop() }
        try await Application(router: buildRouter(env.deps)).test(.router) { client in try await body(DeliveryKit(env: env), client) }
    }

    /// A notification accepted by `provider` as `messageId`, now `sent` and waiting for its receipt.
    /// `indexed: false` leaves out the message id index entry, as a worker does for a provider whose receipts name the notification.
    static func sent(_ kit: DeliveryKit, provider: String, messageId: String, indexed: Bool = true) async throws -> NotificationRecord {
        let n = try await kit.queued(try await kit.resident(), channel: .sms)
        _ = try await kit.notifications.move(n.id, to: .sending, detail: "sending")
        _ = try await kit.notifications.move(n.id, to: .sent, detail: "accepted")
        try await EventStore(redis: kit.env.redis).countMove(n.id, eventId: n.eventId, from: .sending, to: .sent)
        if indexed { try await ProviderMessageIndex(redis: kit.env.redis).record(provider: provider, messageId: messageId, notificationId: n.id) }
        try await ReceiptWatch(redis: kit.env.redis).watch(n.id, until: Date().addingTimeInterval(3600))
        return n
    }

    static func gateway(_ client: any TestClientProtocol, id: String, status: String, at: Int = Int(Date().timeIntervalSince1970),
                        secret: String = secret, signature: String? = nil) async throws -> HTTPResponse.Status {
        let body = Array(#"{"id":"\#(id)","status":"\#(status)","error":\#(status == "failed" ? "\"unknown_subscriber\"" : "null")}"#.utf8)
        var headers: HTTPFields = [.contentType: "application/json"]
        headers[HTTPField.Name("X-Gateway-Signature")!] = signature ?? ReceiptSignature.gateway(secret: secret, timestamp: at, body: body)
        return try await client.execute(uri: "/v1/receipts/gw", method: .post, headers: headers, body: ByteBuffer(bytes: body)) { $0.status }
    }

    /// A signed gateway body as given (a batch is `{"receipts": [...]}`).
    static func gatewayBody(_ client: any TestClientProtocol, _ text: String, at: Int = Int(Date().timeIntervalSince1970)) async throws -> HTTPResponse.Status {
        let body = Array(text.utf8)
        var headers: HTTPFields = [.contentType: "application/json"]
        headers[HTTPField.Name("X-Gateway-Signature")!] = ReceiptSignature.gateway(secret: secret, timestamp: at, body: body)
        return try await client.execute(uri: "/v1/receipts/gw", method: .post, headers: headers, body: ByteBuffer(bytes: body)) { $0.status }
    }

    static func twilio(_ client: any TestClientProtocol, sid: String, status: String, token: String = token) async throws -> HTTPResponse.Status {
        var parameters: [(name: String, value: String)] = [("AccountSid", "AC1"), ("MessageSid", sid), ("MessageStatus", status)]
        if status == "undelivered" { parameters.append(("ErrorCode", "30003")) }
        var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        headers[HTTPField.Name("X-Twilio-Signature")!] = ReceiptSignature.twilio(authToken: token, url: callback, parameters: parameters)
        let body = ByteBuffer(string: ProviderSim.FormEncoding.encode(parameters))
        return try await client.execute(uri: "/v1/receipts/tw", method: .post, headers: headers, body: body) { $0.status }
    }

    @Test func forgedAndStaleGatewayReceiptsAre401AndChangeNothing() async throws {
        try await withApp { kit, client in
            let n = try await Self.sent(kit, provider: "gw", messageId: "gw-1")
            #expect(try await Self.gateway(client, id: "gw-1", status: "delivered", signature: "") == .unauthorized)
            #expect(try await Self.gateway(client, id: "gw-1", status: "delivered", secret: "guessed") == .unauthorized)
            #expect(try await Self.gateway(client, id: "gw-1", status: "delivered", at: Int(Date().timeIntervalSince1970) - 3600) == .unauthorized)
            #expect(try await Self.gateway(client, id: "gw-1", status: "delivered", at: Int(Date().timeIntervalSince1970) + 3600) == .unauthorized)
            #expect(try await kit.status(n.id) == .sent)
        }
    }

    @Test func deliveredCountsOnceAndLateOrRepeatedReceiptsAreIgnored() async throws {
        try await withApp { kit, client in
            let n = try await Self.sent(kit, provider: "gw", messageId: "gw-2")
            let at = Int(Date().timeIntervalSince1970)
            #expect(try await Self.gateway(client, id: "gw-2", status: "delivered", at: at) == .noContent)
            #expect(try await kit.status(n.id) == .delivered)
            // The very same signed receipt again (a replay), then a contradicting later one: nothing moves.
            #expect(try await Self.gateway(client, id: "gw-2", status: "delivered", at: at) == .noContent)
            #expect(try await Self.gateway(client, id: "gw-2", status: "failed", at: at + 1) == .noContent)
            let loaded = try #require(try await kit.notifications.load(n.id))
            #expect(loaded.notification.status == .delivered)
            #expect(loaded.timeline.map(\.status) == [.queued, .sending, .sent, .delivered])
            let counts = try #require(try await EventStore(redis: kit.env.redis).load(n.eventId)).counts
            #expect(counts[.delivered] == 1 && counts[.sent] == 0 && counts[.failed] == 0)
            #expect(try await ReceiptWatch(redis: kit.env.redis).count() == 0)
            // A receipt for a message NotifyMe never sent is accepted and logged.
            #expect(try await Self.gateway(client, id: "gw-unknown", status: "delivered") == .noContent)
        }
    }

    /// A gateway receipt that names its notification (the `reference` the send gave it) needs no message id index entry;
    /// one that comes before the send is recorded waits on the record for the move to `sent`.
    @Test func aGatewayReceiptNamingItsNotificationNeedsNoIndex() async throws {
        try await withApp { kit, client in
            let n = try await Self.sent(kit, provider: "gw", messageId: "gw-r1", indexed: false)
            let early = try await kit.queued(try await kit.resident(), channel: .sms)
            _ = try await kit.notifications.move(early.id, to: .sending, detail: "sending")
            let batch = #"{"receipts":[{"id":"gw-r1","status":"delivered","reference":"\#(n.id)"},"#
                + #"{"id":"gw-r2","status":"delivered","reference":"\#(early.id)"}]}"#
            #expect(try await Self.gatewayBody(client, batch) == .noContent)
            #expect(try await kit.status(n.id) == .delivered)
            #expect(try await kit.status(early.id) == .sending)
            let t = try await kit.notifications.transition(early.id, to: .sent, detail: "accepted by gw (gw-r2)")
            #expect(t.pendingReceipt?.hasPrefix("delivered") == true)
            #expect(try await kit.env.redis.send("KEYS", "nm:{pm:*").array?.isEmpty == true)
        }
    }

    /// A reference that is not a notification id, or not text, names nothing: the message id index finds the notification.
    @Test func aReferenceThatNamesNoNotificationLeavesItToTheIndex() async throws {
        try await withApp { kit, client in
            let text = try await Self.sent(kit, provider: "gw", messageId: "gw-f1")
            let number = try await Self.sent(kit, provider: "gw", messageId: "gw-f2")
            let batch = #"{"receipts":[{"id":"gw-f1","status":"delivered","reference":"order-17"},"#
                + #"{"id":"gw-f2","status":"delivered","reference":42}]}"#
            #expect(try await Self.gatewayBody(client, batch) == .noContent)
            #expect(try await kit.status(text.id) == .delivered)
            #expect(try await kit.status(number.id) == .delivered)
        }
    }

    /// A busy gateway posts its receipts in batches: one signature, each receipt recorded as if it came alone.
    @Test func aBatchOfGatewayReceiptsRecordsEachOnceAndAnUnreadableBatchNone() async throws {
        try await withApp { kit, client in
            let delivered = try await Self.sent(kit, provider: "gw", messageId: "gw-b1")
            let failed = try await Self.sent(kit, provider: "gw", messageId: "gw-b2")
            let pending = try await Self.sent(kit, provider: "gw", messageId: "gw-b3")
            let sending = try await kit.queued(try await kit.resident(), channel: .sms)
            _ = try await kit.notifications.move(sending.id, to: .sending, detail: "sending")
            try await ProviderMessageIndex(redis: kit.env.redis).record(provider: "gw", messageId: "gw-b4", notificationId: sending.id)

            // Unreadable as a whole, or in any one receipt: 422, and nothing is recorded.
            #expect(try await Self.gatewayBody(client, #"{"receipts":[]}"#) == .unprocessableContent)
            #expect(try await Self.gatewayBody(client, #"{"receipts":{"id":"gw-b1","status":"delivered"}}"#) == .unprocessableContent)
            #expect(try await Self.gatewayBody(client, #"{"receipts":[{"id":"gw-b1","status":"delivered"},{"id":"gw-b2"}]}"#) == .unprocessableContent)
            // An error code is a string, a number or null; the fuzzer found an array accepted.
            #expect(try await Self.gatewayBody(client, #"{"receipts":[{"id":"gw-b1","status":"delivered","error":[]}]}"#) == .unprocessableContent)
            #expect(try await Self.gatewayBody(client, #"{"id":"gw-b1","status":"failed","error":{"code":1}}"#) == .unprocessableContent)
            // One over the limit of 1,000 receipts a body may carry.
            let tooMany = (0...1000).map { #"{"id":"gw-x\#($0)","status":"delivered"}"# }.joined(separator: ",")
            #expect(try await Self.gatewayBody(client, #"{"receipts":[\#(tooMany)]}"#) == .unprocessableContent)
            #expect(try await kit.status(delivered.id) == .sent)

            let batch = #"{"receipts":[{"id":"gw-b1","status":"delivered"},{"id":"gw-b2","status":"failed","error":30003},"#
                + #"{"id":"gw-b3","status":"sent"},{"id":"gw-b4","status":"delivered"},{"id":"gw-never","status":"delivered"}]}"#
            let at = Int(Date().timeIntervalSince1970)
            #expect(try await Self.gatewayBody(client, batch, at: at) == .noContent)
            #expect(try await kit.status(delivered.id) == .delivered)
            #expect(try await kit.status(failed.id) == .failed)
            #expect(try await kit.status(pending.id) == .sent)
            // Before its send was recorded: held on the record, as a lone receipt would be.
            #expect(try await kit.status(sending.id) == .sending)
            #expect(try await kit.env.redis.send("HGET", Keys.notification(sending.id), "pendingReceipt").string?.hasPrefix("delivered") == true)
            let dead = try await DeadLetterStore(redis: kit.env.redis).list(.sms, count: 10)
            #expect(dead.map(\.letter.notificationId) == [failed.id])
            #expect(dead.first?.letter.lastError.contains("30003") == true, "\(dead.first?.letter.lastError ?? "")")

            // The same signed batch again is a replay: nothing counts twice.
            #expect(try await Self.gatewayBody(client, batch, at: at) == .noContent)
            let events = EventStore(redis: kit.env.redis)
            let deliveredCounts = try #require(try await events.load(delivered.eventId)).counts
            #expect(deliveredCounts[.delivered] == 1 && deliveredCounts[.sent] == 0)
            let failedCounts = try #require(try await events.load(failed.eventId)).counts
            #expect(failedCounts[.failed] == 1 && failedCounts[.sent] == 0)
            #expect(try await DeadLetterStore(redis: kit.env.redis).list(.sms, count: 10).count == 1)
            // Only the one still waiting is watched for a receipt.
            #expect(try await ReceiptWatch(redis: kit.env.redis).count() == 1)
            let loaded = try #require(try await kit.notifications.load(delivered.id))
            #expect(loaded.timeline.map(\.status) == [.queued, .sending, .sent, .delivered])
        }
    }

    /// A batch of receipts stops watching its notifications with one ZREM per watch shard, not one per notification.
    /// Receipts whose message ids are recorded are looked up with plain reads; the script that keeps an early receipt
    /// runs only for the others, and still keeps it.
    @Test func recordedMessageIdsAreLookedUpWithoutTheScript() async throws {
        let env = try await TestEnvironment()
        defer { env.stop() }
        let index = ProviderMessageIndex(redis: env.redis)
        try await index.record(provider: "gw", messageId: "m1", notificationId: "ntf_1")
        try await index.record(provider: "gw", messageId: "m2", notificationId: "ntf_2")
        // The script loaded first (a fresh server answers its first EVALSHA with NOSCRIPT, then runs EVAL).
        #expect(try await index.notifications(provider: "gw", [("m0", "delivered")]) == [nil])
        func scriptCalls(_ body: () async throws -> [String?]) async throws -> (ids: [String?], scripts: Int) {
            _ = try await env.redis.send("CONFIG", "RESETSTAT")
            let ids = try await body()
            let stats = try #require(try await env.redis.send("INFO", "commandstats").string)
            return (ids, SentCounterTests.calls("evalsha", in: stats) + SentCounterTests.calls("eval", in: stats))
        }
        let known = try await scriptCalls { try await index.notifications(provider: "gw", [("m1", "delivered ok"), ("m2", "failed x")]) }
        #expect(known.ids == ["ntf_1", "ntf_2"] && known.scripts == 0)
        let mixed = try await scriptCalls { try await index.notifications(provider: "gw", [("m1", "delivered ok"), ("m3", "delivered early")]) }
        #expect(mixed.ids == ["ntf_1", nil] && mixed.scripts == 1)
        // The early receipt waits in the mapping's key; the send's record returns it.
        #expect(try await index.record(provider: "gw", messageId: "m3", notificationId: "ntf_3") == "delivered early")
        #expect(try await index.notifications(provider: "gw", [("m3", "delivered again")]) == ["ntf_3"])
    }

    @Test func settlingManyWatchesTakesOneCommandPerShard() {
        let ids = ["ntf_a1", "ntf_03", "ntf_a2", "ntf_04", "ntf_f9"]
        #expect(ReceiptWatch.settleCommands(ids) == [
            RedisCommand("ZREM", Keys.awaitingReceipt(shard: 0), "ntf_03", "ntf_04"),
            RedisCommand("ZREM", Keys.awaitingReceipt(shard: 10), "ntf_a1", "ntf_a2"),
            RedisCommand("ZREM", Keys.awaitingReceipt(shard: 15), "ntf_f9"),
        ])
        #expect(ReceiptWatch.settleCommands([]).isEmpty)
    }

    /// The same message twice in one batch counts once, as two receipts one after the other would.
    @Test func aMessageTwiceInOneBatchCountsOnce() async throws {
        try await withApp { kit, client in
            let n = try await Self.sent(kit, provider: "gw", messageId: "gw-d1")
            let batch = #"{"receipts":[{"id":"gw-d1","status":"delivered"},{"id":"gw-d1","status":"delivered"},{"id":"gw-d1","status":"failed"}]}"#
            #expect(try await Self.gatewayBody(client, batch) == .noContent)
            #expect(try await kit.status(n.id) == .delivered)
            let counts = try #require(try await EventStore(redis: kit.env.redis).load(n.eventId)).counts
            #expect(counts[.delivered] == 1 && counts[.sent] == 0 && counts[.failed] == 0, "\(counts)")
            #expect(try await kit.notifications.load(n.id)?.timeline.map(\.status) == [.queued, .sending, .sent, .delivered])
        }
    }

    @Test func twilioReceiptsVerifyOverTheCallbackURL() async throws {
        try await withApp { kit, client in
            let n = try await Self.sent(kit, provider: "tw", messageId: "SM1")
            #expect(try await Self.twilio(client, sid: "SM1", status: "undelivered", token: "wrong") == .unauthorized)
            #expect(try await Self.twilio(client, sid: "SM1", status: "sent") == .noContent)
            #expect(try await kit.status(n.id) == .sent)
            #expect(try await Self.twilio(client, sid: "SM1", status: "undelivered") == .noContent)
            #expect(try await kit.status(n.id) == .failed)
            let dead = try await DeadLetterStore(redis: kit.env.redis).list(.sms, count: 10)
            #expect(dead.map(\.letter.notificationId) == [n.id])
            #expect(dead.first?.letter.lastError.contains("30003") == true)
            // A late "delivered" cannot undo a failure.
            #expect(try await Self.twilio(client, sid: "SM1", status: "delivered") == .noContent)
            #expect(try await kit.status(n.id) == .failed)
        }
    }

    @Test func aReceiptBeforeTheSendIsRecordedIsHeldThenApplied() async throws {
        try await withApp { kit, client in
            let n = try await kit.queued(try await kit.resident(), channel: .sms)
            _ = try await kit.notifications.move(n.id, to: .sending, detail: "sending")
            try await ProviderMessageIndex(redis: kit.env.redis).record(provider: "gw", messageId: "gw-3", notificationId: n.id)
            #expect(try await Self.gateway(client, id: "gw-3", status: "delivered") == .noContent)
            #expect(try await kit.status(n.id) == .sending)
            // The move to sent hands the held receipt back with the event id: the worker needs no read of its own.
            let t = try await kit.notifications.transition(n.id, to: .sent, detail: "accepted")
            #expect(t.move == .moved(from: .sending) && t.eventId == n.eventId)
            let held = try #require(t.pendingReceipt)
            #expect(held.hasPrefix("delivered"))
            #expect(try await DeliveryOutcomes(redis: kit.env.redis).applyHeld(n.id, receipt: held) == .applied(from: .sent))
            #expect(try await kit.status(n.id) == .delivered)
        }
    }

    /// The worker stopped after the move to `sent` and before applying the receipt that move handed back: the entry comes
    /// back (it is acknowledged only after the receipt), and the reclaim applies the receipt held on the record.
    @Test func aHeldReceiptLeftByAStoppedWorkerIsAppliedByTheReclaim() async throws {
        try await withApp { kit, client in
            let n = try await kit.queued(try await kit.resident(), channel: .sms)
            _ = try await kit.notifications.move(n.id, to: .sending, detail: "sending",
                                                 fields: ["sendingAt": String(Date().timeIntervalSince1970 - 120)])
            try await ProviderMessageIndex(redis: kit.env.redis).record(provider: "gw", messageId: "gw-6", notificationId: n.id)
            #expect(try await Self.gateway(client, id: "gw-6", status: "delivered") == .noContent)
            try await kit.notifications.markAccepted(n.id, target: "sms", provider: "gw", messageId: "gw-6")
            let t = try await kit.notifications.transition(n.id, to: .sent, detail: "accepted by gw (gw-6)")
            #expect(t.pendingReceipt?.hasPrefix("delivered") == true)

            let sms = ScriptedAdapter("gw")
            try await kit.delivery(.sms, ChannelPools(ProviderPool([.init(adapter: sms)]))).deliver(n.id)
            #expect(try await kit.status(n.id) == .delivered)
            #expect(sms.calls == 0)
            let counts = try #require(try await EventStore(redis: kit.env.redis).load(n.eventId)).counts
            #expect(counts[.delivered] == 1 && counts[.sent] == 0 && counts[.queued] == 0, "\(counts)")
        }
    }

    @Test func sentWithoutAReceiptExpiresAndALateReceiptStillCounts() async throws {
        try await withApp { kit, client in
            let n = try await Self.sent(kit, provider: "gw", messageId: "gw-4")
            let other = try await Self.sent(kit, provider: "gw", messageId: "gw-5")
            let expiry = ReceiptExpiry(redis: kit.env.redis, logger: kit.env.logger)
            #expect(try await expiry.sweep() == 0)
            // Both in one pass (each shard's due ones go as one batch), and none left watched.
            #expect(try await expiry.sweep(now: Date().addingTimeInterval(3601)) == 2)
            #expect(try await kit.status(n.id) == .expired)
            #expect(try await kit.status(other.id) == .expired)
            #expect(try await ReceiptWatch(redis: kit.env.redis).count() == 0)
            #expect(try await expiry.sweep(now: Date().addingTimeInterval(3602)) == 0)
            #expect(try await EventStore(redis: kit.env.redis).load(n.eventId)?.counts[.expired] == 1)
            #expect(try await Self.gateway(client, id: "gw-4", status: "delivered") == .noContent)
            #expect(try await kit.status(n.id) == .delivered)
            let counts = try #require(try await EventStore(redis: kit.env.redis).load(n.eventId)).counts
            #expect(counts[.expired] == 0 && counts[.delivered] == 1)
        }
    }
}

/// A gateway whose receipt reaches the API before its answer to the send reaches the worker.
struct EarlyReceiptGateway: ProviderAdapter {
    let name = "gw"
    let client: any TestClientProtocol
    var postsReceipts: Bool { true }

    func send(_ message: OutboundMessage) async throws -> ProviderAcceptance {
        #expect(try await ReceiptsTests.gateway(client, id: "gw-early", status: "delivered") == .noContent)
        return ProviderAcceptance(messageId: "gw-early")
    }
}

extension ReceiptsTests {
    @Test func aReceiptThatBeatsItsSendIsKeptForTheWorkerAndApplied() async throws {
        try await withApp { kit, client in
            let n = try await kit.queued(try await kit.resident(), channel: .sms)
            let pools = ChannelPools(ProviderPool([.init(adapter: EarlyReceiptGateway(client: client))]))

            try await kit.delivery(.sms, pools).deliver(n.id)
            // Without the kept receipt it stayed `sent` (the API had no message id to find it by, and answered 204).
            #expect(try await kit.status(n.id) == .delivered)
            // The mapping's write took the receipt's place in the key.
            #expect(try await kit.env.redis.send("GET", Keys.providerMessage(provider: "gw", messageId: "gw-early")).string == n.id)
            #expect(try await EventStore(redis: kit.env.redis).load(n.eventId)?.counts[.delivered] == 1)
            // A receipt for a message id nobody records lapses on its own.
            #expect(try await Self.gateway(client, id: "gw-never", status: "delivered") == .noContent)
            let kept = Keys.providerMessage(provider: "gw", messageId: "gw-never")
            #expect(try await kit.env.redis.send("GET", kept).string?.hasPrefix("receipt delivered") == true)
            let ttl = try await kit.env.redis.send("TTL", kept).int ?? 0
            #expect(ttl > 0 && ttl <= 3600)
            #expect(try await ProviderMessageIndex(redis: kit.env.redis).notification(provider: "gw", messageId: "gw-never") == nil)
            // A second receipt before the mapping takes the first one's place; the mapping's write returns it.
            #expect(try await Self.gateway(client, id: "gw-never", status: "failed") == .noContent)
            let early = try await ProviderMessageIndex(redis: kit.env.redis).record(provider: "gw", messageId: "gw-never", notificationId: "ntf_late")
            #expect(early?.hasPrefix("failed") == true)
            #expect(try await kit.env.redis.send("TTL", kept).int ?? 0 > 3600, "the mapping keeps its own lifetime")
        }
    }
}
