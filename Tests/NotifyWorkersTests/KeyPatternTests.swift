import NotifyCore
import NotifyStore
import Redis
import Testing

/// Redis Cluster's rule for NotifyMe's keys: every key has one hash tag, and the keys one Lua script or one MULTI block
/// touches share it (so they share a slot). The table lists each script and transaction with the keys it is given;
/// the suite's own Redis also refuses any command or block across slots (`checksSlots`), so the whole flow is held to it.
@Suite struct KeyPatternTests {
    /// Each unit Redis must run on one node: what it is, and the keys it touches for one sample id.
    static func units(cpr: CPR, id: String, entity: String) -> [(String, [String])] {
        var units: [(String, [String])] = [
            ("notification create, transition, reassign", [Keys.notification(id), Keys.timeline(id)]),
            ("notification setIfExists, settleCount", [Keys.notification(id)]),
            ("event fan-out advance", [Keys.event(id)]),
            ("event record, body and notification index", [Keys.event(id), Keys.eventBody(id), Keys.eventNotifications(id)]),
            ("subscription change with its consent entry", [Keys.subscriptions(cpr), Keys.consents(cpr)]),
            ("verification issue, check", [Keys.verification(cpr, .sms)]),
            ("device register, remove, replace", [Keys.devices(cpr)]),
            ("MULTI contact save", [Keys.contact(cpr)]),
            ("MULTI registration with its first consent", [Keys.contact(cpr), Keys.consents(cpr)]),
            ("MULTI erasure", [Keys.contact(cpr), Keys.subscriptions(cpr), Keys.devices(cpr), Keys.verification(cpr, .sms),
                               Keys.verification(cpr, .email), Keys.consents(cpr)]),
            ("rate limit bucket", [Keys.rateLimit("provider:sim-gateway")]),
            ("callback fail; DEL callback and parked", [Keys.callback(entity), Keys.callbackParked(entity)]),
            ("replay job advance", [Keys.replayJob(id)]),
            ("scheduled events onto the events stream", [Keys.scheduledEvents, Keys.stream("events")]),
            ("message id record and receipt lookup", [Keys.providerMessage(provider: "sim-gateway", messageId: id)]),
        ]
        for queue in Channel.allCases.map(\.rawValue) + ["callbacks", "events", "replays"] {
            units.append(("delayed \(queue) onto its stream, its dead letters", [Keys.delayed(queue), Keys.stream(queue), Keys.deadLetters(queue)]))
        }
        for channel in Channel.allCases.map(\.rawValue) {
            for partition in 1..<8 {
                units.append(("\(channel) partition \(partition): delayed onto its stream",
                              [Keys.delayed(channel, partition: partition), Keys.stream(channel, partition: partition)]))
            }
        }
        return units
    }

    static func allKeys(cpr: CPR, id: String, entity: String) -> [String] {
        units(cpr: cpr, id: id, entity: entity).flatMap { unit in unit.1 } + [
            Keys.entityKey(hash: id), Keys.entityKeyIndex, Keys.residentTopics(cpr), Keys.residentNotifications(cpr),
            Keys.topicMembers("emergency.national", shard: 3), Keys.entityEvents(entity), Keys.idempotency(entity: entity, keyHash: id),
            Keys.awaitingReceipt(shard: 7), Keys.receiptSeen(provider: "sim-gateway", signatureHash: id),
            Keys.providerMessage(provider: "sim-gateway", messageId: id), Keys.audit, Keys.queueMembers("sms"),
        ]
    }

    @Test func everyKeyHasOneHashTag() throws {
        let cpr = try CPR("880101234")
        for key in Self.allKeys(cpr: cpr, id: "ntf_0123456789abcdef", entity: "moh.clinics") {
            #expect(key.hasPrefix("nm:{"), "\(key)")
            #expect(key.filter { $0 == "{" }.count == 1 && key.filter { $0 == "}" }.count == 1, "\(key)")
            let open = key.firstIndex(of: "{"), close = key.firstIndex(of: "}")
            #expect(open.flatMap { o in close.map { key.index(after: o) < $0 } } == true, "\(key): empty or unclosed tag")
        }
    }

    @Test func whatEachScriptOrTransactionTouchesSharesOneSlot() throws {
        for i in 0..<200 {
            let cpr = try CPR(String(880_000_000 + i * 7919))
            for (unit, keys) in Self.units(cpr: cpr, id: "ntf_\(i)abc", entity: "entity.\(i)") {
                #expect(Set(keys.map { HashSlot.of($0) }).count == 1, "\(unit): \(keys)")
                #expect(RedisCommand("DEL", keys).keys.count == keys.count)
            }
        }
    }

    @Test func residentsNotificationsAndEventsSpreadOverTheSlots() throws {
        let residents = Set(try (0..<2000).map { HashSlot.of(Keys.contact(try CPR(String(880_000_000 + $0)))) })
        let notifications = Set((0..<2000).map { _ in HashSlot.of(Keys.notification(Digest.randomID(prefix: "ntf_"))) })
        // 2,000 keys over 16,384 slots: about 1,890 distinct slots are expected when they spread evenly.
        #expect(residents.count > 1700, "\(residents.count)")
        #expect(notifications.count > 1700, "\(notifications.count)")
        let shards = Set((0..<16).map { HashSlot.of(Keys.topicMembers("emergency.national", shard: $0)) })
        #expect(shards.count == 16)
        let partitions = Set((0..<16).map { HashSlot.of(Keys.stream("sms", partition: $0)) })
        #expect(partitions.count == 16)
    }
}
