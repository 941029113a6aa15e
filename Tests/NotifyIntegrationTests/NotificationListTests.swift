import Foundation
import Hummingbird
import HummingbirdTesting
import NotifyAPI
import NotifyCore
import NotifyStore
import Testing
@testable import NotifyWorkers

/// GET /v1/notifications: the entity's own, filtered, paged without gaps or repeats; records expire, counts stay.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct NotificationListTests {
    /// Publishes and fans out an event for `cprs` (some may be unknown residents) as `entity`.
    static func fannedOut(_ env: TestEnvironment, entity: String, reference: String, cprs: [CPR], at: Date) async throws -> Event {
        let event = Event(id: Digest.randomID(prefix: "evt_"), type: "emergency.alert", entity: entity, reference: reference, recipients: cprs,
                          data: ["area": .string("South"), "message": .string("Stay indoors.")], priority: .urgent, createdAt: at)
        try await EventStore(redis: env.redis, retention: env.config.notifications.retention).publish(event)
        _ = try await TopicFanoutTests.planner(env, batchSize: 8).fanOut(event, part: 0)
        return event
    }

    static func get(_ client: any TestClientProtocol, _ key: String, _ query: String) async throws -> (HTTPResponse.Status, [String: Any]) {
        try await client.execute(uri: "/v1/notifications?\(query)", method: .get, headers: Req.headers(key)) { ($0.status, Req.json($0.body)) }
    }

    @Test func pagesFiltersAndScopes() async throws {
        let env = try await TestEnvironment(yaml: "notifications: {retention: 2h}")
        defer { env.stop() }
        try await Population.seed(env, 0..<45)
        let first = try await Self.fannedOut(env, entity: "moi.a", reference: "R-1", cprs: (0..<25).map(Population.cpr) + (100..<105).map(Population.cpr),
                                             at: Date().addingTimeInterval(-60))
        let second = try await Self.fannedOut(env, entity: "moi.a", reference: "R-2", cprs: (25..<45).map(Population.cpr), at: Date())
        let other = try await Self.fannedOut(env, entity: "moi.b", reference: "R-1", cprs: [Population.cpr(0)], at: Date())
        let key = try await env.entityKey("moi.a", patterns: "*")

        try await Application(router: buildRouter(env.deps)).test(.router) { client in
            // Every page of 7: 50 items, none repeated, newest event first, none of another entity's.
            var seen: [[String: Any]] = []
            var cursor: String?
            repeat {
                let (status, page) = try await Self.get(client, key, "limit=7" + (cursor.map { "&cursor=\($0)" } ?? ""))
                #expect(status == .ok)
                let items = page["items"] as? [[String: Any]] ?? []
                #expect(items.count <= 7)
                seen += items
                cursor = page["next"] as? String
            } while cursor != nil && seen.count < 100
            let ids = seen.compactMap { $0["id"] as? String }
            #expect(ids.count == 50 && Set(ids).count == 50)
            #expect(Set(seen.compactMap { $0["eventId"] as? String }) == [first.id, second.id])
            #expect(seen.first?["eventId"] as? String == second.id)
            #expect(!seen.contains { $0["eventId"] as? String == other.id })

            let (_, byEvent) = try await Self.get(client, key, "eventId=\(first.id)&limit=500")
            #expect((byEvent["items"] as? [[String: Any]])?.count == 30)
            let (_, suppressed) = try await Self.get(client, key, "status=suppressed")
            let sup = suppressed["items"] as? [[String: Any]] ?? []
            #expect(sup.count == 5 && sup.allSatisfy { $0["status"] as? String == "suppressed" })
            let (_, byReference) = try await Self.get(client, key, "reference=R-2&limit=500")
            #expect((byReference["items"] as? [[String: Any]])?.allSatisfy { $0["reference"] as? String == "R-2" } == true)
            #expect((byReference["items"] as? [[String: Any]])?.count == 20)

            for bad in ["status=lost", "limit=0", "limit=501", "cursor=nope", "eventId=\(first.id)&cursor=\(second.id):ntf_00000000000000000000000000000000"] {
                let (status, problem) = try await Self.get(client, key, bad)
                #expect(status == .unprocessableContent, "\(bad)")
                #expect((problem["errors"] as? [[String: Any]])?.isEmpty == false, "\(bad)")
            }
            let (foreign, _) = try await Self.get(client, key, "eventId=\(other.id)")
            // Nor through a cursor naming another entity's event.
            let (forged, _) = try await Self.get(client, key, "cursor=\(other.id):ntf_00000000000000000000000000000000")
            #expect(forged == .unprocessableContent)
            #expect(foreign == .notFound)

            // Retention: records expire (here: go), the list skips them; the event's counts remain without its body.
            let sample = Digest.notificationID(eventId: first.id, cpr: Population.cpr(0))
            let ttl = try await env.redis.send("TTL", Keys.notification(sample)).int ?? 0
            #expect(ttl > 7000 && ttl <= 7200)
            #expect(try await env.redis.send("TTL", Keys.eventBody(first.id)).int ?? 0 > 7000)
            // One DEL per hash tag: the test's Redis refuses a command across slots, as a cluster does.
            _ = try await env.redis.send("DEL", Keys.notification(sample), Keys.timeline(sample))
            _ = try await env.redis.send("DEL", Keys.eventBody(first.id))
            let (_, after) = try await Self.get(client, key, "eventId=\(first.id)&limit=500")
            #expect((after["items"] as? [[String: Any]])?.count == 29)
            try await client.execute(uri: "/v1/events/\(first.id)", method: .get, headers: Req.headers(key)) { r in
                #expect(r.status == .ok)
                let json = Req.json(r.body)
                #expect((json["counts"] as? [String: Int])?["queued"] == 25)
                #expect((json["counts"] as? [String: Int])?["suppressed"] == 5)
                #expect(json["reference"] as? String == "R-1")
            }
        }
    }
}
