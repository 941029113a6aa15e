import Foundation
import NotifyCore
import NotifyStore
import Testing

/// DELETE /v1/me and GET /v1/me/notifications.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct ErasureTests {
    func notification(_ kit: ResidentTestKit, event: String, status: NotificationStatus, at: Date) async throws -> String {
        let n = NotificationRecord(id: Digest.notificationID(eventId: event, cpr: kit.cpr), eventId: event, eventType: "traffic.fine-issued",
                                   entity: "traffic", cpr: kit.cpr, channel: .email, status: status, language: .ar,
                                   message: RenderedMessage(subject: "s", body: "b"), createdAt: at)
        _ = try await NotificationStore(redis: kit.env.redis).create([n]) { _ in "test" }
        _ = try await kit.env.redis.send("ZADD", Keys.residentNotifications(kit.cpr), Int(at.timeIntervalSince1970 * 1000), n.id)
        return n.id
    }

    @Test func erasureRemovesDataSuppressesQueuedAndIsLedgered() async throws {
        try await ResidentTestKit.with { kit, client in
            _ = try await kit.put(client, "/v1/me/contact", #"{"phone":"36001234","email":"fatima@example.bh","language":"ar"}"#)
            _ = try await kit.put(client, "/v1/me/subscriptions", #"{"categories":{"utilities":{"sms":true}}}"#)
            let (joined, _) = try await kit.put(client, "/v1/me/topics/emergency.national", "")
            #expect(joined == .ok)
            let shard = Keys.topicMembers("emergency.national", shard: TopicStore.shard(of: kit.cpr))
            #expect(try await kit.env.redis.send("ZSCORE", shard, kit.cpr.value).string != nil)
            let queued = try await notification(kit, event: "evt_1", status: .queued, at: Date())
            let sent = try await notification(kit, event: "evt_2", status: .sent, at: Date())

            let status = try await client.execute(uri: "/v1/me", method: .delete, headers: Req.headers(kit.token)) { $0.status }
            #expect(status == .noContent)

            let (me, _) = try await kit.get(client, "/v1/me")
            #expect(me == .notFound)
            for key in [Keys.subscriptions(kit.cpr), Keys.devices(kit.cpr), Keys.verification(kit.cpr, .sms), Keys.residentTopics(kit.cpr)] {
                #expect(try await kit.env.redis.send("EXISTS", key).int == 0, "\(key) survived erasure")
            }
            // Only a tombstone stays, so fan-out can say "erased": no personal field.
            let left = try await kit.env.redis.send("HKEYS", Keys.contact(kit.cpr)).array?.compactMap(\.string)
            #expect(left == ["erasedAt"])
            #expect(try await kit.env.redis.send("ZSCORE", shard, kit.cpr.value).string == nil, "still a topic member")
            let store = NotificationStore(redis: kit.env.redis)
            #expect(try await store.load(queued)?.notification.status == .suppressed)
            #expect(try await store.load(sent)?.notification.status == .sent)
            #expect(try await kit.env.redis.send("EXISTS", Keys.residentNotifications(kit.cpr)).int == 0)

            let (_, ledger) = try await kit.get(client, "/v1/me/consents")
            let last = try #require((ledger["items"] as? [[String: Any]])?.last)
            #expect(last["source"] as? String == "erasure")
            #expect(last["granted"] as? Bool == false)
        }
    }

    @Test func ownNotificationsNewestFirstWithCursor() async throws {
        try await ResidentTestKit.with { kit, client in
            let start = Date().addingTimeInterval(-100)
            var ids: [String] = []
            for i in 0..<25 { ids.append(try await notification(kit, event: "evt_\(i)", status: .sent, at: start.addingTimeInterval(Double(i)))) }
            let (status, page1) = try await kit.get(client, "/v1/me/notifications")
            #expect(status == .ok)
            let first = (page1["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            #expect(first == Array(ids.reversed().prefix(20)))
            let cursor = try #require(page1["next"] as? String)
            let (_, page2) = try await kit.get(client, "/v1/me/notifications?cursor=\(cursor)")
            let second = (page2["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            #expect(second == Array(ids.reversed().dropFirst(20)))
            #expect(page2["next"] == nil || page2["next"] is NSNull)
            let (bad, _) = try await kit.get(client, "/v1/me/notifications?cursor=abc")
            #expect(bad == .unprocessableContent)

            // Another resident sees none of them.
            let other = try await kit.env.residentToken("990101234")
            let count = try await client.execute(uri: "/v1/me/notifications", method: .get, headers: Req.headers(other)) {
                (Req.json($0.body)["items"] as? [Any])?.count
            }
            #expect(count == 0)
        }
    }
}
