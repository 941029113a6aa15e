import Foundation
import Logging
import NotifyCore
import NotifyStore
import Redis
import Metrics

/// One channel's sends: takes a queued notification, sends it through a provider, and records what happened.
///
/// State is written before the provider call (`sending`, with the time and the attempt) and after it
/// (`sent:<target>`, then `sent`), so a redelivered queue entry never sends an accepted message again; a send
/// cut off mid-call is retried only once its lease is stale, with the same idempotency key.
struct ChannelDelivery: Sendable {
    let channel: Channel
    let stores: DeliveryStores
    let catalogue: EventCatalogue
    let templates: TemplateSet
    /// The providers for a target: one pool per channel, or per push platform.
    let pools: ChannelPools
    let settings: DeliverySettings
    /// Set when the API's public URL is configured: email for optional categories then carries a one-click unsubscribe.
    let unsubscribeLinks: UnsubscribeLinks?
    let logger: Logger

    func deliver(_ id: String) async throws {
        guard let (n, fields) = try await stores.notifications.loadRecord(id) else {
            logger.warning("queued notification has no record; skipped", metadata: ["notification": "\(id)"])
            return
        }
        // It moved to another channel after this entry was queued: that channel's worker owns it now.
        // Queue it there again in case the fallback stopped between its record and its queue entry;
        // a second entry is harmless, since the state decides who sends.
        guard n.channel == channel else {
            if n.status == .queued { try await stores.queues.add(n.channel, ids: [id]) }
            return
        }
        let started = fields["sendingAt"].flatMap(Double.init) ?? 0
        // A younger send may belong to a live worker (a second queue entry for the same notification), or be this
        // entry's own send cut off by a Redis failure. Either way the entry stays pending: once the lease is
        // stale, the reclaim brings it back and the send is retried, or found finished.
        if n.status == .sending && Date().timeIntervalSince1970 - started <= ProviderHealth.seconds(settings.lease) {
            throw LeaseHeld(notificationId: id)
        }
        // The worker before stopped (or Redis failed) between a move and its count, or a failure and its dead letter.
        if try await stores.outcomes.completeInterrupted(n, fields: fields) {
            logger.warning("\(channel.rawValue) delivery failed; dead-lettered after an interruption", metadata: ["notification": "\(id)"])
        }
        switch n.status {
        case .queued: break
        case .sending:
            guard case .moved = try await stores.notifications.move(id, to: .queued, detail: "send interrupted; retrying") else { return }
        default:
            return
        }
        guard let contact = try await stores.contacts.load(n.cpr) else {
            try await finish(n, .suppressed, detail: "resident erased")
            return
        }
        let targets: [DeliveryTarget]
        switch try await resolveTargets(n, contact: contact) {
        case .success(let t): targets = t
        case .failure(let problem):
            try await unusable(n, contact: contact, from: .queued, detail: problem.detail, fields: fields)
            return
        }
        try await send(n, contact: contact, targets: targets, fields: fields)
    }

    private func send(_ n: NotificationRecord, contact: Contact, targets: [DeliveryTarget], fields: [String: String]) async throws {
        let alreadyAccepted = targets.filter { fields["sent:\($0.key)"] != nil }
        let pending = targets.filter { fields["sent:\($0.key)"] == nil }
        let lease = ["sendingAt": String(Date().timeIntervalSince1970)]
        let detail = alreadyAccepted.isEmpty ? "sending" : "sending (accepted earlier: \(alreadyAccepted.count) of \(targets.count))"
        switch try await stores.notifications.move(n.id, to: .sending, detail: detail, countAttempt: !pending.isEmpty, fields: lease) {
        case .moved: break
        // Another entry for it won the race to send: this one stays pending, in case that send is cut off.
        case .refused(current: .sending): throw LeaseHeld(notificationId: n.id)
        default: return
        }
        // The common case, one target and nothing accepted before: the move to `sent` rides with the acceptance's writes.
        if pending.count == 1, alreadyAccepted.isEmpty, let target = pending.first {
            switch try await attempt(n, target: target, first: true, finishing: true) {
            case .success(let a):
                try await settleSent(n, a.sent, early: a.early)
                if a.early != nil { try await stores.messageIndex.clearEarlyReceipt(provider: a.provider, messageId: a.messageId) }
                logger.info("\(channel.rawValue) sent", metadata: ["notification": "\(n.id)", "provider": "\(a.provider)"])
            case .failure(let e):
                try await prune(n, [(target, e)])
                try await failed(n, contact: contact, failures: [e], fields: fields)
            }
            return
        }
        var accepted: [(target: DeliveryTarget, provider: String, messageId: String, receipts: Bool)] = alreadyAccepted.compactMap { t in
            let parts = (fields["sent:\(t.key)"] ?? "").split(separator: " ", maxSplits: 1).map(String.init)
            return parts.count == 2 ? (t, parts[0], parts[1], t.pool.postsReceipts(parts[0])) : nil
        }
        let acceptedEarlier = !accepted.isEmpty
        var failures: [(target: DeliveryTarget, error: ProviderError)] = []
        for target in pending {
            switch try await attempt(n, target: target, first: accepted.isEmpty, finishing: false) {
            case .success(let a):
                accepted.append((target, a.provider, a.messageId, target.pool.postsReceipts(a.provider)))
                // A receipt that came before the message id was recorded: held on the record until it is `sent`.
                if let early = a.early {
                    try await stores.outcomes.applyHeld(n.id, receipt: early)
                    try await stores.messageIndex.clearEarlyReceipt(provider: a.provider, messageId: a.messageId)
                }
            case .failure(let e): failures.append((target, e))
            }
        }
        try await prune(n, failures)
        if let first = accepted.first {
            let extra = accepted.count > 1 ? " and \(accepted.count - 1) more" : ""
            // Wait for the receipt before the outcome counts as unknown; watched first, so a fast receipt finds nothing left to do
            // (an acceptance in this attempt was watched with it).
            if first.receipts && acceptedEarlier { try await stores.receipts.watch(n.id, until: receiptDeadline) }
            let t = try await stores.notifications.transition(n.id, to: .sent, detail: "accepted by \(first.provider) (\(first.messageId))\(extra)",
                                                              fields: ["provider": first.provider, "providerMessageId": first.messageId])
            try await settleSent(n, t, early: nil)
            logger.info("\(channel.rawValue) sent", metadata: ["notification": "\(n.id)", "provider": "\(first.provider)"])
            return
        }
        try await failed(n, contact: contact, failures: failures.map(\.error), fields: fields)
    }

    /// After the move to `sent`: its count, then a receipt that came while the send was being recorded.
    private func settleSent(_ n: NotificationRecord, _ t: NotificationStore.Transition?, early: String?) async throws {
        guard let t, case .moved(let previous) = t.move else { return }
        try await stores.events.countMove(n.id, eventId: n.eventId, from: previous, to: .sent)
        if let held = t.pendingReceipt ?? early { try await stores.outcomes.applyHeld(n.id, receipt: held) }
    }

    private var receiptDeadline: Date { Date().addingTimeInterval(ProviderHealth.seconds(settings.receiptTimeout)) }

    /// What one accepted provider call left: the provider's message id, the move to `sent` when it was `finishing`,
    /// and a receipt that came before the message id was recorded.
    struct Accepted {
        let provider: String
        let messageId: String
        let sent: NotificationStore.Transition?
        let early: String?
    }

    /// One provider call for one target: rate limit, the call, then the record of acceptance in one round trip (with the
    /// receipt watch when it is the notification's `first` acceptance and its provider posts receipts, and the move to
    /// `sent` when `finishing`, the notification's last target).
    private func attempt(_ n: NotificationRecord, target: DeliveryTarget, first: Bool, finishing: Bool) async throws -> Result<Accepted, ProviderError> {
        let member = target.pool.pick()
        if let rate = member.ratePerSecond {
            while let wait = try await stores.limiter.take("provider:\(member.name)", rate: rate, burst: max(1, rate)) {
                try await Task.sleep(for: wait)
            }
        }
        let message = outbound(n, target: target)
        let started = ContinuousClock.now
        let timer = Timer(label: "notifyme_provider_request_duration", dimensions: [("channel", channel.rawValue), ("provider", member.name)],
                          preferredDisplayUnit: .seconds)
        let acceptance: ProviderAcceptance
        do {
            acceptance = try await member.adapter.send(message)
        } catch {
            let e = ProviderError.from(error, provider: member.name)
            timer.record(duration: ContinuousClock.now - started)
            Counter(label: "notifyme_provider_errors_total", dimensions: [("channel", channel.rawValue), ("provider", member.name),
                                                                         ("kind", "\(e.kind)")]).increment()
            target.pool.record(member.name, success: !e.countsAgainstProvider)
            logger.info("\(channel.rawValue) send failed", metadata: ["notification": "\(n.id)", "provider": "\(member.name)", "error": "\(e)"])
            return .failure(e)
        }
        timer.record(duration: ContinuousClock.now - started)
        target.pool.record(member.name, success: true)
        // The sent mark first: it is what stops a second send, so the receipt index and watch may only exist beside it
        // (the pipeline keeps the order; on a cluster, where they are on other nodes, it waits for the mark). A Redis
        // error here is not the provider's: it leaves the entry pending, and the one who takes it over finds the mark.
        var writes = [NotificationStore.markAcceptedCommand(n.id, target: target.key, provider: member.name, messageId: acceptance.messageId),
                      stores.messageIndex.recordCommand(provider: member.name, messageId: acceptance.messageId, notificationId: n.id)]
        if first && target.pool.postsReceipts(member.name) { writes.append(ReceiptWatch.watchCommand(n.id, until: receiptDeadline)) }
        let marks = writes.count
        let now = Date()
        let detail = "accepted by \(member.name) (\(acceptance.messageId))"
        let fields = ["provider": member.name, "providerMessageId": acceptance.messageId]
        if finishing { writes.append(stores.notifications.transitionCommand(n.id, to: .sent, detail: detail, fields: fields, now: now)) }
        let replies = try await stores.redis.orderedPipeline(writes)
        for reply in replies[..<marks] {
            if case .error(let message) = reply { throw RedisError.reply(message) }
        }
        let sent = finishing
            ? try await stores.notifications.interpret(replies[marks], command: writes[marks], id: n.id, to: .sent, detail: detail, now: now)
            : nil
        return .success(Accepted(provider: member.name, messageId: acceptance.messageId, sent: sent, early: replies[1].string))
    }

    /// Removes push devices the provider says are gone, so no later notification tries them.
    private func prune(_ n: NotificationRecord, _ failures: [(target: DeliveryTarget, error: ProviderError)]) async throws {
        for f in failures where f.error.kind == .deadRecipient {
            guard let device = f.target.device else { continue }
            if try await stores.devices.remove(n.cpr, id: device.id) {
                logger.info("dead push device removed", metadata: ["notification": "\(n.id)", "device": "\(device.id)"])
            }
        }
    }
}
