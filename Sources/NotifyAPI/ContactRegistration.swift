import Foundation
import NotifyCore
import NotifyStore
import Redis

/// A resident registering or changing contact details: new or changed addresses get a code
/// through the normal pipeline, and a first registration records the default consents.
struct ContactRegistration: Sendable {
    let redis: RedisClient
    let contacts: ContactStore
    let verification: VerificationStore
    let events: EventStore
    let catalogue: EventCatalogue

    func register(_ cpr: CPR, request: ContactRequest, now: Date = Date()) async throws -> Contact {
        let previous = try await contacts.load(cpr)
        var contact = try request.contact(for: cpr, previous: previous)
        contact.quietHours = previous?.quietHours
        // Codes first: if the send limit refuses one, nothing is saved.
        var codes: [(Channel, String)] = []
        for channel in [Channel.sms, .email] where !contact.verified.contains(channel) {
            guard let address = contact.address(for: channel) else { continue }
            codes.append((channel, try await verification.issue(cpr, channel: channel, address: address, now: now)))
        }
        var commands = try contacts.saveCommands(contact, now: now)
        if previous == nil, let defaults = try ConsentLedger.appendCommand(cpr, Subscriptions.defaultGrants(catalogue, at: now)) {
            commands.append(defaults)
        }
        _ = try await redis.transaction(commands)
        for (channel, code) in codes {
            let event = Event(id: Digest.randomID(prefix: "evt_"), type: EventCatalogue.verificationCodeType, entity: "notifyme", recipients: [cpr],
                              data: ["code": .string(code)], priority: .urgent, createdAt: now, channel: channel)
            try await events.publish(event)
        }
        return contact
    }

    /// Confirms a code; marks the channel verified.
    func verify(_ cpr: CPR, channel: Channel, code: String) async throws -> Contact {
        guard var contact = try await contacts.load(cpr), let address = contact.address(for: channel) else {
            throw NotifyError.invalid("channel", "there is no \(channel == .sms ? "phone number" : "email address") to verify")
        }
        guard code.utf8.count == 6, code.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            throw NotifyError.invalid("code", "must be the 6-digit code that was sent")
        }
        if contact.verified.contains(channel) { return contact }
        switch try await verification.check(cpr, channel: channel, address: address, code: code) {
        case .ok:
            contact.verified.insert(channel)
            try await contacts.save(contact)
            return contact
        case .wrong:
            throw NotifyError.invalid("code", "is not the code that was sent")
        case .locked:
            throw NotifyError.tooManyRequests("too many wrong codes; update your contact details to get a new code", retryAfter: nil)
        case .expired, .stale, .none:
            throw NotifyError.invalid("code", "no valid code is pending; update your contact details to get a new one")
        }
    }
}
