import Foundation
import NotifyCore
import NotifyStore
import NotifyTestSupport
import Testing
@testable import NotifyWorkers

/// Topic fan-out at scale, in parallel parts, counted exactly once.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct TopicFanoutTests {
    static let topic = "emergency.southern-governorate"

    static func alert(_ id: String = Digest.randomID(prefix: "evt_")) -> Event {
        Event(id: id, type: "emergency.alert", entity: "moi.alerts", topic: topic,
              data: ["area": .string("Southern Governorate"), "message": .string("Heavy rain until 8 pm.")], priority: .urgent, createdAt: Date())
    }

    static func planner(_ env: TestEnvironment, batchSize: Int) -> FanoutPlanner {
        FanoutPlanner(redis: env.redis, contacts: ContactStore(redis: env.redis, cipher: env.deps.cipher),
                      devices: DeviceStore(redis: env.redis, cipher: env.deps.cipher), catalogue: env.deps.catalogue,
                      templates: env.deps.templates, batchSize: batchSize, retention: env.config.notifications.retention, logger: env.logger)
    }

    @Test func aHundredThousandResidentTopicFansOutOncePerResident() async throws {
        let env = try await TestEnvironment()
        defer { env.stop() }
        let n = 100_000
        let seeded = ContinuousClock.now
        try await Population.seed(env, 0..<n, topic: Self.topic)
        #expect(try await TopicStore(redis: env.redis).count(Self.topic) == n)
        let event = Self.alert()
        let events = EventStore(redis: env.redis)
        try await events.publish(event)
        #expect(try await env.redis.send("XLEN", Keys.stream("events")).int == TopicStore.shards)

        _ = try await env.redis.send("CONFIG", "RESETSTAT")
        let started = ContinuousClock.now
        let planner = Self.planner(env, batchSize: 1000)
        let queued = try await withThrowingTaskGroup(of: Int.self) { group in
            for part in 0..<TopicStore.shards { group.addTask { try await planner.fanOut(event, part: part).queued } }
            return try await group.reduce(0, +)
        }
        let took = ContinuousClock.now - started
        print("fan-out of \(n) topic members: \(took) (seeding took \(started - seeded))")

        #expect(queued == n)
        let f = try #require(try await events.loadFields(event.id)).fields
        #expect(f["status"] == "dispatched")
        #expect(f["count:queued"] == "\(n)")
        #expect(f["recipients"] == "\(n)")
        #expect(try await env.redis.send("XLEN", Keys.stream("sms")).int == n)
        // One hash write per notification, the create script's: nothing is written to the record after its stream entry
        // (the event's cursors and counts add a few per batch of 1,000).
        let stats = try await env.redis.send("INFO", "commandstats").string ?? ""
        let hashWrites = SentCounterTests.calls("hset", in: stats)
        #expect(hashWrites >= n && hashWrites < n + n / 100, "\(hashWrites) HSETs for \(n) notifications")
        // Running every part again finds them done and adds nothing.
        #expect(try await planner.fanOut(event, part: 3).queued == 0)
        #expect(try await env.redis.send("XLEN", Keys.stream("sms")).int == n)
    }

    @Test func topicMembershipIsResidentManaged() async throws {
        try await ResidentTestKit.with { kit, client in
            let (unregistered, _) = try await kit.put(client, "/v1/me/topics/\(Self.topic)", "")
            #expect(unregistered == .notFound)
            _ = try await kit.put(client, "/v1/me/contact", #"{"phone":"36001234","language":"ar"}"#)
            let (joined, item) = try await kit.put(client, "/v1/me/topics/\(Self.topic)", "")
            #expect(joined == .ok && item["subscribed"] as? Bool == true)
            let (unknown, _) = try await kit.put(client, "/v1/me/topics/emergency.atlantis", "")
            #expect(unknown == .notFound)

            let (_, list) = try await kit.get(client, "/v1/me/topics")
            let items = list["items"] as? [[String: Any]] ?? []
            #expect(items.count == kit.env.deps.catalogue.topics.count)
            #expect(items.first { $0["name"] as? String == Self.topic }?["subscribed"] as? Bool == true)
            #expect(items.first { $0["name"] as? String == "emergency.national" }?["subscribed"] as? Bool == false)
            #expect(try await TopicStore(redis: kit.env.redis).members(Self.topic, shard: TopicStore.shard(of: kit.cpr), after: nil, limit: 10) == [kit.cpr])

            let left = try await client.execute(uri: "/v1/me/topics/\(Self.topic)", method: .delete, headers: Req.headers(kit.token)) { $0.status }
            #expect(left == .noContent)
            #expect(try await TopicStore(redis: kit.env.redis).count(Self.topic) == 0)
        }
    }
}
