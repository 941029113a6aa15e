import Foundation
import NotifyCore
import NotifyStore
import Metrics

extension ChannelDelivery {
    /// Moves to a final status (or `sent`) and adjusts the event's counts, which count `sending` as `queued`.
    func finish(_ n: NotificationRecord, _ status: NotificationStatus, detail: String, fields: [String: String] = [:]) async throws {
        let t = try await stores.notifications.transition(n.id, to: status, detail: detail, fields: fields)
        if case .moved(let previous) = t.move {
            try await stores.events.countMove(n.id, eventId: n.eventId, from: previous, to: status, mark: t.countMark)
        }
    }

    /// Every target failed: retry later, fall back to the next channel, or give up.
    func failed(_ n: NotificationRecord, contact: Contact, failures: [ProviderError], fields: [String: String]) async throws {
        let attempts = n.attempts + 1
        let summary = failures.map(\.detail).joined(separator: "; ")
        guard failures.contains(where: { $0.kind == .transient }) else {
            try await permanent(n, contact: contact, from: .sending, detail: "attempt \(attempts) failed for good: \(summary)", fields: fields)
            return
        }
        let onChannel = attempts - (fields["attemptsBefore"].flatMap(Int.init) ?? 0)
        guard onChannel < settings.maxAttempts else {
            try await permanent(n, contact: contact, from: .sending, detail: "gave up after \(onChannel) attempts: \(summary)", fields: fields)
            return
        }
        let retryAfter = failures.compactMap(\.retryAfter).max()
        let delay = settings.backoff.delay(attempt: onChannel, retryAfter: retryAfter)
        try await queueAgain(n, after: delay, detail: { "attempt \(attempts) failed: \(summary); retry in \($0)" },
                             counter: Counter(label: "notifyme_retries_total", dimensions: [("channel", channel.rawValue)]))
    }

    /// A send its provider's rate limit held back too long (see ``RateLimitDeferred``): back to the queue with its attempt
    /// given back, to return after a quarter of the lease, when the sends ahead of it have gone. Targets it already
    /// reached keep their marks and are not sent again.
    func requeue(_ n: NotificationRecord, _ held: RateLimitDeferred) async throws {
        try await queueAgain(n, after: settings.lease / 4, returnAttempt: true, detail: { "waiting for \(held.provider)'s rate limit; retry in \($0)" },
                             counter: Counter(label: "notifyme_rate_limit_deferrals_total",
                                              dimensions: [("channel", channel.rawValue), ("provider", held.provider)]))
    }

    /// Moves a send back to `queued` and schedules it after `delay` (`detail` gets the delay as text); the entry that
    /// brought it is acknowledged only after both, so a stop in between leaves it for the reclaim.
    private func queueAgain(_ n: NotificationRecord, after delay: Duration, returnAttempt: Bool = false, detail: (String) -> String,
                            counter: Counter) async throws {
        let seconds = String(format: "%.1fs", ProviderHealth.seconds(delay))
        guard case .moved = try await stores.notifications.move(n.id, to: .queued, detail: detail(seconds), returnAttempt: returnAttempt) else { return }
        counter.increment()
        try await stores.queues.schedule(channel, id: n.id, after: delay)
    }

    /// The channel cannot carry this notification (no address, not verified, no device): another channel
    /// if there is one, else suppressed, since there is nothing a retry or a replay could change.
    func unusable(_ n: NotificationRecord, contact: Contact, from status: NotificationStatus, detail: String, fields: [String: String]) async throws {
        if try await fallBack(n, contact: contact, from: status, detail: detail, fields: fields, anyEvent: true) { return }
        try await finish(n, .suppressed, detail: detail)
    }

    /// A permanent failure: the next channel where the catalogue allows it, else failed and dead-lettered.
    func permanent(_ n: NotificationRecord, contact: Contact, from status: NotificationStatus, detail: String, fields: [String: String]) async throws {
        if try await fallBack(n, contact: contact, from: status, detail: detail, fields: fields, anyEvent: false) { return }
        let t = try await stores.notifications.transition(n.id, to: .failed, detail: detail, fields: [DeadLetterStore.marker: "due"])
        guard case .moved(let previous) = t.move else { return }
        try await stores.events.countMove(n.id, eventId: n.eventId, from: previous, to: .failed, mark: t.countMark)
        let history = try await stores.notifications.load(n.id)?.timeline ?? []
        try await stores.deadLetters.add(DeadLetter(
            notificationId: n.id, channel: channel, eventId: n.eventId, eventType: n.eventType, entity: n.entity,
            attempts: n.attempts + (status == .sending ? 1 : 0), lastError: detail, failedAt: Date(), history: history
        ))
        Counter(label: "notifyme_dead_letters_total", dimensions: [("channel", channel.rawValue)]).increment()
        logger.warning("\(channel.rawValue) delivery failed; dead-lettered", metadata: ["notification": "\(n.id)"])
    }

    /// Re-renders for the next usable channel and queues it there; false when there is none (or fallback is not allowed).
    private func fallBack(_ n: NotificationRecord, contact: Contact, from status: NotificationStatus, detail: String,
                          fields: [String: String], anyEvent: Bool) async throws -> Bool {
        guard let definition = catalogue.events[n.eventType], definition.fallback || anyEvent,
              n.eventType != EventCatalogue.verificationCodeType,
              let event = try await stores.events.load(n.eventId)?.event else { return false }
        // Read whole: a batch's send read only its own channel's address.
        let contact = try await stores.contacts.load(n.cpr) ?? contact
        var tried = Set((fields["tried"] ?? "").split(separator: ",").compactMap { Channel(rawValue: String($0)) })
        tried.insert(channel)
        let hasDevices = try await stores.devices.hasDevices([n.cpr])[0]
        let subscriptions = try await stores.subscriptions.load(n.cpr)
        guard case .send(let next) = ChannelChoice.choose(
            definition: definition, category: catalogue.category(of: definition), contact: contact.reach, hasDevices: hasDevices,
            subscriptions: subscriptions, excluding: tried
        ), let message = try? templates.render(eventType: n.eventType, language: contact.language, channel: next, data: event.data) else {
            return false
        }
        let newFields = [
            "channel": next.rawValue, "body": message.body, "subject": message.subject ?? "", "html": message.html ?? "",
            "tried": tried.map(\.rawValue).sorted().joined(separator: ","),
            "attemptsBefore": String(n.attempts + (status == .sending ? 1 : 0)),
        ]
        guard try await stores.notifications.reassign(n.id, expected: status, fields: newFields,
                                                      detail: "\(detail); falling back to \(next.rawValue)") else { return false }
        try await stores.queues.add(next, ids: [n.id])
        logger.info("delivery falls back", metadata: ["notification": "\(n.id)", "from": "\(channel.rawValue)", "to": "\(next.rawValue)"])
        return true
    }
}
