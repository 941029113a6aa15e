import Foundation
import NotifyCore
import NotifyStore
import Testing
@testable import NotifyWorkers

/// The fan-out's per-resident decision: verified channels only, consent respected, codes excepted.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct FanoutConsentTests {
    func planner(_ env: TestEnvironment) -> FanoutPlanner {
        FanoutPlanner(redis: env.redis, contacts: ContactStore(redis: env.redis, cipher: env.deps.cipher),
                      devices: DeviceStore(redis: env.redis, cipher: env.deps.cipher), catalogue: env.deps.catalogue,
                      templates: env.deps.templates, batchSize: 10, logger: env.logger)
    }

    let fine = Event(id: "evt_fine", type: "traffic.fine-issued", entity: "traffic", data: [
        "amount": .number(20), "plate": .string("12345"), "date": .string("2026-11-20"), "violation": .string("speeding"),
        "reference": .string("F-1"),
    ], priority: .normal, createdAt: Date())

    /// A batch renders each language and channel once, and gets what rendering for one resident gives.
    @Test func aBatchsMessagesAreTheTemplatesRenderings() async throws {
        let env = try await TestEnvironment()
        defer { env.stop() }
        let messages = RenderedMessages(templates: env.deps.templates, event: fine)
        for _ in 0..<2 {
            for language in Language.allCases {
                for channel in [Channel.sms, .email] {
                    let alone = try env.deps.templates.render(eventType: fine.type, language: language, channel: channel, data: fine.data)
                    #expect(try messages.message(language: language, channel: channel) == alone)
                }
            }
        }
        // An event whose type has no template: the same error every time, not a message.
        let unknown = RenderedMessages(templates: env.deps.templates, event: Event(id: "evt_x", type: "no.such-type", entity: "traffic", data: [:],
                                                                                 priority: .normal, createdAt: Date()))
        for _ in 0..<2 { #expect(throws: NotifyError.self) { try unknown.message(language: .ar, channel: .sms) } }
    }

    @Test func decisions() async throws {
        let env = try await TestEnvironment()
        defer { env.stop() }
        let p = planner(env)
        let def = try env.deps.catalogue.definition(of: fine.type)
        let cpr = try CPR("880101234")
        let phone = try PhoneNumber("36001234"), email = try EmailAddress("f@example.bh")
        let none = Subscriptions()

        let unknown = p.plan(fine, definition: def, cpr: cpr, lookup: .unknown, hasDevices: false, subscriptions: none, now: Date())
        #expect(unknown.record.status == .suppressed && unknown.detail == "unknown resident")

        let unverified = Contact(cpr: cpr, phone: phone, email: email, language: .ar)
        let u = p.plan(fine, definition: def, cpr: cpr, lookup: .found(unverified.reach), hasDevices: false, subscriptions: none, now: Date())
        #expect(u.record.status == .suppressed && u.detail == "no verified channel")

        let verified = Contact(cpr: cpr, phone: phone, email: email, language: .en, verified: [.sms, .email])
        let v = p.plan(fine, definition: def, cpr: cpr, lookup: .found(verified.reach), hasDevices: false, subscriptions: none, now: Date())
        #expect(v.record.status == .queued && v.record.channel == .sms)
        #expect(v.record.message?.body.contains("12345") == true)

        // Opted out of SMS for traffic: the next channel in the catalogue's order.
        let noSMS = Subscriptions(choices: ["traffic": [.sms: false]])
        #expect(p.plan(fine, definition: def, cpr: cpr, lookup: .found(verified.reach), hasDevices: false, subscriptions: noSMS, now: Date()).record.channel == .email)
        let noneAtAll = Subscriptions(choices: ["traffic": [.sms: false, .email: false, .push: false]])
        let n = p.plan(fine, definition: def, cpr: cpr, lookup: .found(verified.reach), hasDevices: false, subscriptions: noneAtAll, now: Date())
        #expect(n.record.status == .suppressed && n.detail == "no consent for traffic")

        // Only the email is verified: SMS is skipped even though it comes first.
        let emailOnly = Contact(cpr: cpr, phone: phone, email: email, language: .ar, verified: [.email])
        #expect(p.plan(fine, definition: def, cpr: cpr, lookup: .found(emailOnly.reach), hasDevices: false, subscriptions: none, now: Date()).record.channel == .email)

        // A verification code goes to the unverified address it was made for.
        var code = Event(id: "evt_code", type: EventCatalogue.verificationCodeType, entity: "notifyme", data: ["code": .string("123456")],
                         priority: .urgent, createdAt: Date(), channel: .sms)
        code.recipients = [cpr]
        let codeDef = try env.deps.catalogue.definition(of: code.type)
        let c = p.plan(code, definition: codeDef, cpr: cpr, lookup: .found(unverified.reach), hasDevices: false, subscriptions: none, now: Date())
        #expect(c.record.status == .queued && c.record.channel == .sms)
        #expect(c.record.message?.body.contains("123456") == true)
    }

    /// A window of two hours around now, in Bahrain time, as HH:MM.
    static func quietAroundNow() throws -> QuietHours {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try #require(TimeZone(identifier: "Asia/Bahrain"))
        let c = calendar.dateComponents([.hour, .minute], from: Date())
        let m = (c.hour ?? 0) * 60 + (c.minute ?? 0)
        func hhmm(_ x: Int) -> String { let v = (x + 1440) % 1440; return String(format: "%02d:%02d", v / 60, v % 60) }
        return try QuietHours(start: hhmm(m - 60), end: hhmm(m + 60))
    }

    /// Fan-out chooses the channel from which addresses are on record, without opening them (the send opens the one it
    /// uses): a planner whose key cannot open them still queues the notification.
    @Test func fanOutChoosesWithoutOpeningTheAddresses() async throws {
        let env = try await TestEnvironment()
        defer { env.stop() }
        let cpr = try CPR("880101234")
        let contact = Contact(cpr: cpr, phone: try PhoneNumber("36001234"), email: try EmailAddress("f@example.bh"), language: .en, verified: [.sms])
        try await ContactStore(redis: env.redis, cipher: env.deps.cipher).save(contact)
        let otherKey = ContactStore(redis: env.redis, cipher: try FieldCipher(secret: Array(repeating: 7, count: 32)))
        #expect(try await otherKey.lookup([cpr]) == [.found(ContactReach(addressed: [.sms, .email], verified: [.sms], language: .en))])
        #expect(contact.reach == ContactReach(addressed: [.sms, .email], verified: [.sms], language: .en))

        var event = fine
        event.id = Digest.randomID(prefix: "evt_")
        event.recipients = [cpr]
        try await EventStore(redis: env.redis).publish(event)
        let planner = FanoutPlanner(redis: env.redis, contacts: otherKey, devices: DeviceStore(redis: env.redis, cipher: env.deps.cipher),
                                    catalogue: env.deps.catalogue, templates: env.deps.templates, batchSize: 10, logger: env.logger)
        #expect(try await planner.fanOut(event, part: 0).queued == 1)
        let n = try #require(try await NotificationStore(redis: env.redis).load(Digest.notificationID(eventId: event.id, cpr: cpr)))
        #expect(n.notification.status == .queued && n.notification.channel == .sms)
    }

    @Test func quietHoursHoldNormalMessagesButNotUrgentOnes() async throws {
        let env = try await TestEnvironment()
        defer { env.stop() }
        let quiet = try Self.quietAroundNow()
        try await Population.seed(env, 0..<2)
        let contacts = ContactStore(redis: env.redis, cipher: env.deps.cipher)
        for i in 0..<2 {
            var c = try #require(try await contacts.load(Population.cpr(i)))
            c.quietHours = quiet
            try await contacts.save(c)
        }
        var normal = fine
        normal.id = Digest.randomID(prefix: "evt_")
        normal.recipients = [Population.cpr(0)]
        var urgent = normal
        urgent.id = Digest.randomID(prefix: "evt_")
        urgent.recipients = [Population.cpr(1)]
        urgent.priority = .urgent
        let now = Date()
        try await EventStore(redis: env.redis).publish(normal)
        try await EventStore(redis: env.redis).publish(urgent)
        _ = try await planner(env).fanOut(normal, part: 0, now: now)
        _ = try await planner(env).fanOut(urgent, part: 0, now: now)

        let held = Digest.notificationID(eventId: normal.id, cpr: Population.cpr(0))
        let sent = Digest.notificationID(eventId: urgent.id, cpr: Population.cpr(1))
        let stream = (try await env.redis.send("XRANGE", Keys.stream("sms"), "-", "+").array ?? []).compactMap { $0.array?.last?.array?.last?.string }
        #expect(stream == [sent])
        let due = try #require(try await env.redis.send("ZSCORE", Keys.delayed("sms"), held).string.flatMap(Double.init))
        let expected = quiet.nextAllowed(after: now).timeIntervalSince1970 * 1000
        #expect(abs(due - expected) < 1000)
        // About an hour on (the window was set to the minute, and a slow start may have crossed a minute since).
        #expect(due > now.timeIntervalSince1970 * 1000 + 58 * 60_000)
        let timeline = try #require(try await NotificationStore(redis: env.redis).load(held)).timeline
        #expect(timeline.first?.detail.contains("held for quiet hours") == true)
        #expect(try await EventStore(redis: env.redis).load(normal.id)?.counts[.queued] == 1)
    }

    @Test func erasedAndUnknownResidentsAreSuppressedWithTheirReason() async throws {
        let env = try await TestEnvironment()
        defer { env.stop() }
        try await Population.seed(env, 0..<1)
        try await ResidentEraser(redis: env.redis).erase(Population.cpr(0))
        var event = fine
        event.id = Digest.randomID(prefix: "evt_")
        event.recipients = [Population.cpr(0), Population.cpr(1)]
        try await EventStore(redis: env.redis).publish(event)
        let counts = try await planner(env).fanOut(event, part: 0)
        #expect(counts.suppressed == 2)
        let store = NotificationStore(redis: env.redis)
        let erased = try #require(try await store.load(Digest.notificationID(eventId: event.id, cpr: Population.cpr(0))))
        let unknown = try #require(try await store.load(Digest.notificationID(eventId: event.id, cpr: Population.cpr(1))))
        #expect(erased.timeline.first?.detail == "erased")
        #expect(unknown.timeline.first?.detail == "unknown resident")
        #expect(try await EventStore(redis: env.redis).load(event.id)?.counts[.suppressed] == 2)
    }
}

extension FanoutConsentTests {
    /// A notification's id is the first half of SHA-256 over `<event id>/<CPR>`, in hex: the same in every release, or a
    /// redelivered fan-out entry of an event published before an upgrade would make its notifications again.
    @Test func notificationIDsStayTheSame() throws {
        #expect(Digest.notificationID(eventId: "evt_d392bc281a6179a1c94c899b392d8488", cpr: try CPR("100000017")) == "ntf_6bd31f4b955cdd72efee58cd6d009e6a")
    }
}
