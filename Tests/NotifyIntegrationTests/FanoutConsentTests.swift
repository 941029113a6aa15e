import Foundation
import NotifyCore
import NotifyStore
import Testing
@testable import NotifyWorkers

/// The fan-out's per-resident decision: verified channels only, consent respected, codes excepted.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct FanoutConsentTests {
    func planner(_ env: TestEnvironment) -> FanoutPlanner {
        FanoutPlanner(catalogue: env.deps.catalogue, templates: env.deps.templates,
                      contacts: ContactStore(redis: env.redis, cipher: env.deps.cipher), subscriptions: SubscriptionStore(redis: env.redis),
                      devices: DeviceStore(redis: env.redis, cipher: env.deps.cipher),
                      notifications: NotificationStore(redis: env.redis), events: EventStore(redis: env.redis), channelQueues: [:],
                      redis: env.redis, batchSize: 10, logger: env.logger)
    }

    let fine = Event(id: "evt_fine", type: "traffic.fine-issued", entity: "traffic", data: [
        "amount": .number(20), "plate": .string("12345"), "date": .string("2026-11-20"), "violation": .string("speeding"),
        "reference": .string("F-1"),
    ], priority: .normal, createdAt: Date())

    @Test func decisions() async throws {
        let env = try await TestEnvironment()
        defer { env.stop() }
        let p = planner(env)
        let def = try env.deps.catalogue.definition(of: fine.type)
        let cpr = try CPR("880101234")
        let phone = try PhoneNumber("36001234"), email = try EmailAddress("f@example.bh")
        let none = Subscriptions()

        let unknown = p.plan(fine, definition: def, cpr: cpr, contact: nil, hasDevices: false, subscriptions: none, now: Date())
        #expect(unknown.0.status == .suppressed && unknown.1 == "unknown resident")

        let unverified = Contact(cpr: cpr, phone: phone, email: email, language: .ar)
        let u = p.plan(fine, definition: def, cpr: cpr, contact: unverified, hasDevices: false, subscriptions: none, now: Date())
        #expect(u.0.status == .suppressed && u.1 == "no verified channel")

        let verified = Contact(cpr: cpr, phone: phone, email: email, language: .en, verified: [.sms, .email])
        let v = p.plan(fine, definition: def, cpr: cpr, contact: verified, hasDevices: false, subscriptions: none, now: Date())
        #expect(v.0.status == .queued && v.0.channel == .sms)
        #expect(v.0.message?.body.contains("12345") == true)

        // Opted out of SMS for traffic: the next channel in the catalogue's order.
        let noSMS = Subscriptions(choices: ["traffic": [.sms: false]])
        #expect(p.plan(fine, definition: def, cpr: cpr, contact: verified, hasDevices: false, subscriptions: noSMS, now: Date()).0.channel == .email)
        let noneAtAll = Subscriptions(choices: ["traffic": [.sms: false, .email: false, .push: false]])
        let n = p.plan(fine, definition: def, cpr: cpr, contact: verified, hasDevices: false, subscriptions: noneAtAll, now: Date())
        #expect(n.0.status == .suppressed && n.1 == "no consent for traffic")

        // Only the email is verified: SMS is skipped even though it comes first.
        let emailOnly = Contact(cpr: cpr, phone: phone, email: email, language: .ar, verified: [.email])
        #expect(p.plan(fine, definition: def, cpr: cpr, contact: emailOnly, hasDevices: false, subscriptions: none, now: Date()).0.channel == .email)

        // A verification code goes to the unverified address it was made for.
        var code = Event(id: "evt_code", type: EventCatalogue.verificationCodeType, entity: "notifyme", data: ["code": .string("123456")],
                         priority: .urgent, createdAt: Date(), channel: .sms)
        code.recipients = [cpr]
        let codeDef = try env.deps.catalogue.definition(of: code.type)
        let c = p.plan(code, definition: codeDef, cpr: cpr, contact: unverified, hasDevices: false, subscriptions: none, now: Date())
        #expect(c.0.status == .queued && c.0.channel == .sms)
        #expect(c.0.message?.body.contains("123456") == true)
    }
}
