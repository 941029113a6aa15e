import Foundation
import NotifyCore
import NotifyStore
import Testing

/// Subscriptions per category and channel, quiet hours, and the consent ledger.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct SubscriptionsTests {
    @Test func defaultsComeFromTheCatalogueAndAreLedgered() async throws {
        try await ResidentTestKit.with { kit, client in
            _ = try await kit.put(client, "/v1/me/contact", #"{"email":"fatima@example.bh","language":"ar"}"#)
            let (status, json) = try await kit.get(client, "/v1/me/subscriptions")
            #expect(status == .ok)
            let cats = try #require(json["categories"] as? [String: [String: Bool]])
            #expect(cats["emergency"] == ["mandatory": true, "sms": true, "email": true, "push": true])
            #expect(cats["utilities"] == ["mandatory": false, "sms": false, "email": true, "push": false])
            let (_, ledger) = try await kit.get(client, "/v1/me/consents")
            let items = try #require(ledger["items"] as? [[String: Any]])
            #expect(!items.isEmpty)
            #expect(items.allSatisfy { $0["source"] as? String == "default" && $0["granted"] as? Bool == true })
        }
    }

    @Test func optingInAndOutIsLedgeredAndNeverRewritten() async throws {
        try await ResidentTestKit.with { kit, client in
            _ = try await kit.put(client, "/v1/me/contact", #"{"email":"fatima@example.bh","language":"ar"}"#)
            let (_, before) = try await kit.get(client, "/v1/me/consents")
            let initial = try #require(before["items"] as? [[String: Any]])

            let (status, json) = try await kit.put(client, "/v1/me/subscriptions",
                #"{"categories":{"utilities":{"sms":true,"email":false},"emergency":{"sms":false}}}"#)
            #expect(status == .ok)
            let cats = try #require(json["categories"] as? [String: [String: Bool]])
            #expect(cats["utilities"]?["sms"] == true && cats["utilities"]?["email"] == false)
            #expect(cats["emergency"]?["sms"] == false && cats["emergency"]?["email"] == true)

            let (_, after) = try await kit.get(client, "/v1/me/consents")
            let items = try #require(after["items"] as? [[String: Any]])
            #expect(items.count == initial.count + 3)
            let added = items.suffix(3).map { "\($0["category"] ?? "")/\($0["channel"] ?? "")/\($0["granted"] ?? "")/\($0["source"] ?? "")" }
            #expect(Set(added) == ["emergency/sms/0/resident", "utilities/email/0/resident", "utilities/sms/1/resident"])
            // Earlier lines are untouched.
            for (a, b) in zip(initial, items) { #expect(a["at"] as? String == b["at"] as? String && a["category"] as? String == b["category"] as? String) }

            // Setting the same again changes nothing and records nothing.
            _ = try await kit.put(client, "/v1/me/subscriptions", #"{"categories":{"utilities":{"sms":true}}}"#)
            let (_, same) = try await kit.get(client, "/v1/me/consents")
            #expect((same["items"] as? [[String: Any]])?.count == items.count)
        }
    }

    @Test(arguments: [
        (#"{"categories":{"emergency":{"sms":false,"email":false,"push":false}}}"#, "categories.emergency"),
        (#"{"categories":{"no-such-category":{"sms":true}}}"#, "categories.no-such-category"),
        (#"{"categories":{"utilities":{"fax":true}}}"#, "categories.utilities.fax"),
        (#"{"categories":{"utilities":{"sms":"yes"}}}"#, "categories.utilities.sms"),
        (#"{"categories":[]}"#, "categories"),
        (#"{"quietHours":{"start":"25:00","end":"07:00"}}"#, "quietHours.start"),
        (#"{"quietHours":{"start":"22:00","end":"7"}}"#, "quietHours.end"),
        (#"{"quietHours":{"start":"22:00","end":"07:00","timeZone":"Mars/Olympus"}}"#, "quietHours.timeZone"),
        (#"{"quietHours":{"start":"22:00","end":"07:00","colour":"red"}}"#, "quietHours.colour"),
        (#"{"categories":{},"vacation":true}"#, "vacation"),
    ])
    func badChangesAreRefusedAndWriteNothing(_ body: String, _ field: String) async throws {
        try await ResidentTestKit.with { kit, client in
            _ = try await kit.put(client, "/v1/me/contact", #"{"email":"fatima@example.bh","language":"ar"}"#)
            let ledgerBefore = try await kit.env.redis.send("LLEN", Keys.consents(kit.cpr)).int
            let (status, json) = try await kit.put(client, "/v1/me/subscriptions", body)
            #expect(status == .unprocessableContent)
            #expect(ResidentTestKit.fields(json).contains(field), "\(json)")
            #expect(try await kit.env.redis.send("EXISTS", Keys.subscriptions(kit.cpr)).int == 0)
            #expect(try await kit.env.redis.send("LLEN", Keys.consents(kit.cpr)).int == ledgerBefore)
            let (_, me) = try await kit.get(client, "/v1/me")
            #expect(me["quietHours"] == nil || me["quietHours"] is NSNull)
        }
    }

    @Test func quietHoursAreStoredInTheResidentsZone() async throws {
        try await ResidentTestKit.with { kit, client in
            _ = try await kit.put(client, "/v1/me/contact", #"{"email":"fatima@example.bh","language":"ar"}"#)
            let (status, json) = try await kit.put(client, "/v1/me/subscriptions", #"{"quietHours":{"start":"22:00","end":"07:00"}}"#)
            #expect(status == .ok)
            #expect((json["quietHours"] as? [String: String]) == ["start": "22:00", "end": "07:00", "timeZone": "Asia/Bahrain"])
            // Contact changes keep the quiet hours.
            _ = try await kit.put(client, "/v1/me/contact", #"{"email":"fatima@example.bh","language":"en"}"#)
            let (_, me) = try await kit.get(client, "/v1/me")
            #expect((me["quietHours"] as? [String: String])?["start"] == "22:00")
            let (_, cleared) = try await kit.put(client, "/v1/me/subscriptions", #"{"quietHours":null}"#)
            #expect(cleared["quietHours"] == nil || cleared["quietHours"] is NSNull)
        }
    }

    @Test func subscriptionsNeedRegisteredContactDetails() async throws {
        try await ResidentTestKit.with { kit, client in
            let (status, _) = try await kit.put(client, "/v1/me/subscriptions", #"{"categories":{"utilities":{"sms":true}}}"#)
            #expect(status == .notFound)
            #expect(try await kit.env.redis.send("EXISTS", Keys.subscriptions(kit.cpr)).int == 0)
        }
    }

    @Test func concurrentChangesLeaveTheLedgerAgreeingWithTheState() async throws {
        let env = try await TestEnvironment()
        defer { env.stop() }
        let cpr = try CPR("880101234")
        let store = SubscriptionStore(redis: env.redis)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<40 {
                group.addTask { _ = try await store.apply(cpr, ["utilities": [.sms: i % 2 == 0]], catalogue: env.deps.catalogue, source: .resident) }
            }
            try await group.waitForAll()
        }
        let state = try await store.load(cpr).choices["utilities"]?[.sms]
        let lines = try await ConsentLedger(redis: env.redis).entries(cpr).filter { $0.category == "utilities" && $0.channel == .sms }
        // Every line is a real move: they alternate, starting from the default (off), and the last one is the state.
        #expect(!lines.isEmpty)
        #expect(lines.first?.granted == true)
        for (a, b) in zip(lines, lines.dropFirst()) { #expect(a.granted != b.granted) }
        #expect(lines.last?.granted == state)
    }

    @Test func quietHoursWindow() throws {
        let q = try QuietHours(start: "22:00", end: "07:00")
        // 2026-11-23 20:30 UTC is 23:30 in Bahrain (UTC+3): quiet until 07:00 local, 04:00 UTC.
        let late = Date(timeIntervalSince1970: 1_795_465_800)
        #expect(q.contains(late))
        #expect(q.nextAllowed(after: late) == Date(timeIntervalSince1970: 1_795_492_800))
        let noon = Date(timeIntervalSince1970: 1_795_414_800)  // 06:20 UTC, 09:20 local
        #expect(!q.contains(noon))
        #expect(q.nextAllowed(after: noon) == noon)
    }
}
