import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NotifyAPI
import NotifyCore
import NotifyStore
import NotifyTestSupport
import ServiceLifecycle
import Testing
import Transport
@testable import NotifyWorkers
@testable import ProviderSim

/// Entity status callbacks: every change posted and signed, retried, suspended and resumed, never in delivery's way.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct CallbackTests {
    static let secret = "entity-callback-secret"

    /// Runs the callback worker beside `body`.
    static func withWorker(_ env: TestEnvironment, settings: CallbackSettings, _ body: () async throws -> Void) async throws {
        let transport = CurlTransport()
        defer { transport.shutdown() }
        // 30 s: no test here is about reclaiming, and under the full suite on two cores an entry in hand can stay unacked
        // for over 5 s and be handled a second time, posting its change twice (the queue is at-least-once).
        let worker = CallbackWorker(redis: env.redis, cipher: env.deps.cipher, transport: transport, settings: settings, consumerName: "cb-test",
                                    visibilityTimeout: .seconds(30), logger: env.logger)
        let group = ServiceGroup(configuration: .init(services: [worker], logger: env.logger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            do { try await body() } catch {
                await group.triggerGracefulShutdown()
                throw error
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    static func setCallback(_ client: any TestClientProtocol, _ key: String, url: String, secret: String = secret) async throws -> (HTTPResponse.Status, [String: Any]) {
        try await client.execute(uri: "/v1/callback", method: .put, headers: Req.headers(key),
                                 body: Req.body(#"{"url":"\#(url)","secret":"\#(secret)"}"#)) { ($0.status, Req.json($0.body)) }
    }

    /// A fanned-out notification of `entity`'s, moved on to `sent`.
    static func notification(_ env: TestEnvironment, entity: String, resident: Int) async throws -> String {
        try await Population.seed(env, resident..<(resident + 1))
        let event = try await NotificationListTests.fannedOut(env, entity: entity, reference: "R-\(resident)", cprs: [Population.cpr(resident)], at: Date())
        let id = Digest.notificationID(eventId: event.id, cpr: Population.cpr(resident))
        _ = try await NotificationStore(redis: env.redis).move(id, to: .sending, detail: "sending")
        _ = try await NotificationStore(redis: env.redis).move(id, to: .sent, detail: "accepted")
        return id
    }

    @Test func everyStatusChangeIsPostedSignedAndRetried() async throws {
        let env = try await TestEnvironment()
        defer { env.stop() }
        let key = try await env.entityKey("moi.a", patterns: "*")
        try await WebhookReceiver.withReceiver { receiver in
            receiver.failuresLeft.withLock { $0 = 2 }
            try await Application(router: buildRouter(env.deps)).test(.router) { client in
                let (status, view) = try await Self.setCallback(client, key, url: receiver.baseURL + "/hooks/notifyme")
                #expect(status == .ok && view["status"] as? String == "active" && view["secret"] == nil)
                let settings = CallbackSettings(concurrency: 4, maxAttempts: 5, suspendAfter: 10, backoff: Backoff(base: .milliseconds(20), cap: .milliseconds(50)))
                try await Self.withWorker(env, settings: settings) {
                    let id = try await Self.notification(env, entity: "moi.a", resident: 0)
                    try await DeliveryOutcomes(redis: env.redis).record(id, .delivered, detail: "delivered (test)")
                    let posts = try await receiver.waitFor(4, timeout: .seconds(20))
                    #expect(posts.count == 4)
                    var statuses: [String] = []
                    for post in posts {
                        let json = (try? JSONSerialization.jsonObject(with: Data(post.body))) as? [String: Any] ?? [:]
                        #expect(json["notificationId"] as? String == id && json["reference"] as? String == "R-0")
                        statuses.append(json["status"] as? String ?? "")
                        let signature = post.headers["x-notifyme-signature"] ?? ""
                        let t = Int(signature.split(separator: ",").first?.dropFirst(2) ?? "") ?? 0
                        #expect(signature == ReceiptSignature.gateway(secret: Self.secret, timestamp: t, body: post.body))
                        #expect(abs(Double(t) - Date().timeIntervalSince1970) < 30)
                        #expect(post.path == "/hooks/notifyme")
                    }
                    #expect(Set(statuses) == ["queued", "sending", "sent", "delivered"])
                }
                let (_, after) = try await client.execute(uri: "/v1/callback", method: .get, headers: Req.headers(key)) { ($0.status, Req.json($0.body)) }
                #expect(after["consecutiveFailures"] as? Int == 0)
            }
        }
    }

    @Test func aTargetThatKeepsFailingIsSuspendedAndResumed() async throws {
        let env = try await TestEnvironment()
        defer { env.stop() }
        let key = try await env.entityKey("moi.a", patterns: "*")
        try await WebhookReceiver.withReceiver { receiver in
            receiver.refuseAll.withLock { $0 = 503 }
            try await Application(router: buildRouter(env.deps)).test(.router) { client in
                _ = try await Self.setCallback(client, key, url: receiver.baseURL + "/hooks")
                // 30 s per post: the receiver answers in this process, and under the full suite a 5 s post once timed out, so
                // the last error was the timeout, not the 503.
                let settings = CallbackSettings(concurrency: 4, timeout: .seconds(30), maxAttempts: 50, suspendAfter: 3,
                                                backoff: Backoff(base: .milliseconds(20), cap: .milliseconds(50)))
                try await Self.withWorker(env, settings: settings) {
                    _ = try await Self.notification(env, entity: "moi.a", resident: 1)
                    var view: [String: Any] = [:]
                    for _ in 0..<100 {
                        view = try await client.execute(uri: "/v1/callback", method: .get, headers: Req.headers(key)) { Req.json($0.body) }
                        if view["status"] as? String == "suspended" && view["held"] as? Int == 3 { break }
                        try await Task.sleep(for: .milliseconds(50))
                    }
                    #expect(view["status"] as? String == "suspended")
                    #expect(view["held"] as? Int == 3)
                    #expect((view["lastError"] as? String)?.contains("503") == true, "\(view)")
                    #expect(receiver.all.isEmpty)

                    // Fixed, resumed: the held changes arrive.
                    receiver.refuseAll.withLock { $0 = nil }
                    let resumed = try await client.execute(uri: "/v1/callback/resume", method: .post, headers: Req.headers(key)) { Req.json($0.body) }
                    #expect(resumed["status"] as? String == "active")
                    let posts = try await receiver.waitFor(3)
                    #expect(posts.count == 3)
                }
            }
        }
    }

    /// The queue is at-least-once: a change whose entry is handled again after a reclaim, or parked at another attempt,
    /// is held once, in its first place, and sent again once on resume, in the order the changes were held.
    @Test func aChangeHeldTwiceIsHeldAndResentOnce() async throws {
        let env = try await TestEnvironment()
        defer { env.stop() }
        let store = CallbackStore(redis: env.redis, cipher: env.deps.cipher)
        try await store.set(entity: "moi.a", url: "https://entity.example.bh/hook", secret: Self.secret)
        let at = Date(timeIntervalSince1970: 1_796_000_000)
        // Held in an order that is not the payloads' text order (queued < sending < sent), so the order is the holding's.
        let changes = [NotificationStatus.sending, .queued, .sent].map {
            CallbackPayload(notificationId: "ntf_1", eventId: "evt_1", entity: "moi.a", reference: "R-1", status: $0, detail: "\($0)", at: at)
        }
        var again = changes[0]
        again.attempt = 3
        for (i, change) in (changes + [again, changes[1]]).enumerated() {
            try await store.park(entity: "moi.a", change, now: at.addingTimeInterval(Double(i)))
        }
        #expect(try await store.parked(entity: "moi.a") == 3)

        #expect(try await store.resume(entity: "moi.a", queue: CallbackQueue(redis: env.redis)) == 3)
        #expect(try await store.parked(entity: "moi.a") == 0)
        let entries = try await env.redis.send("XRANGE", Keys.stream(CallbackQueue.name), "-", "+").array ?? []
        let queued = entries.compactMap { $0.array?.last?.array?.last?.string }
            .compactMap { try? JSONCoding.decoder.decode(CallbackPayload.self, from: Data($0.utf8)) }
        #expect(queued == changes)
        #expect(try await store.get(entity: "moi.a")?.suspended == false)
    }

    @Test func aSlowTargetDoesNotSlowDelivery() async throws {
        let env = try await TestEnvironment()
        defer { env.stop() }
        let key = try await env.entityKey("traffic", patterns: "*")
        try await WebhookReceiver.withReceiver { receiver in
            // Any delivery that waited on a callback would take 20 s; twenty deliveries that wait on none take well under
            // that, even on a loaded machine (they took up to 11 s in a full parallel run).
            receiver.delay.withLock { $0 = .seconds(20) }
            try await Application(router: buildRouter(env.deps)).test(.router) { client in
                _ = try await Self.setCallback(client, key, url: receiver.baseURL + "/slow")
                try await Self.withWorker(env, settings: CallbackSettings(concurrency: 2, timeout: .seconds(25))) {
                    let kit = DeliveryKit(env: env)
                    let adapter = ScriptedAdapter("sms-a")
                    let delivery = kit.delivery(.sms, ChannelPools(ProviderPool([.init(adapter: adapter)])))
                    var ids: [String] = []
                    for i in 0..<20 {
                        let n = try await kit.queued(try await kit.resident("8801012\(String(format: "%02d", i))", phone: "+9733600\(String(format: "%04d", i + 1))"), channel: .sms)
                        _ = try await env.redis.send("HSET", Keys.notification(n.id), "cb", "1")
                        ids.append(n.id)
                    }
                    let started = ContinuousClock.now
                    for id in ids { try await delivery.deliver(id) }
                    let took = ContinuousClock.now - started
                    #expect(took < .seconds(16), "delivery waited on callbacks: \(took)")
                    for id in ids { #expect(try await kit.status(id) == .sent) }
                    #expect(adapter.calls == 20)
                    // The changes are on their way regardless.
                    #expect(try await env.redis.send("XLEN", Keys.stream("callbacks")).int ?? 0 >= 40)
                }
            }
        }
    }

    @Test func badCallbacksAreRefusedAndEachEntitySeesItsOwn() async throws {
        let env = try await TestEnvironment()
        defer { env.stop() }
        let key = try await env.entityKey("moi.a", patterns: "*")
        let other = try await env.entityKey("moi.b", patterns: "*")
        try await Application(router: buildRouter(env.deps)).test(.router) { client in
            let (plain, p) = try await Self.setCallback(client, key, url: "http://entity.example.bh/hook")
            #expect(plain == .unprocessableContent && PublishingTests.fields(p) == ["url"])
            let (short, s) = try await Self.setCallback(client, key, url: "https://entity.example.bh/hook", secret: "short")
            #expect(short == .unprocessableContent && PublishingTests.fields(s) == ["secret"])
            // 12 characters in 19 UTF-8 bytes: short, as the schema's minLength counts.
            let (wide, w) = try await Self.setCallback(client, key, url: "https://entity.example.bh/hook", secret: "&.\u{26B84}«çh1e'½qÊ")
            #expect(wide == .unprocessableContent && PublishingTests.fields(w) == ["secret"])
            let (ok, _) = try await Self.setCallback(client, key, url: "https://entity.example.bh/hook")
            #expect(ok == .ok)
            let (none, _) = try await client.execute(uri: "/v1/callback", method: .get, headers: Req.headers(other)) { ($0.status, 0) }
            #expect(none == .notFound)
            let removed = try await client.execute(uri: "/v1/callback", method: .delete, headers: Req.headers(key)) { $0.status }
            #expect(removed == .noContent)
        }
    }
}
