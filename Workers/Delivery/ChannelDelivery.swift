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
        let plan = SendPlan(notification: n, contact: contact, targets: targets, fields: fields)
        let start = startCommand(plan)
        let begun = try await stores.notifications.transition(start.command, id: n.id, to: .sending, detail: start.detail, now: start.now)
        _ = try await transmit(plan, started: begun.move)
    }

    /// The move to `sending` that starts a send: it takes the lease (`sendingAt`) and counts the attempt.
    func startCommand(_ plan: SendPlan) -> (command: RedisCommand, detail: String, now: Date) {
        let now = plan.leaseStart
        let accepted = plan.alreadyAccepted.count
        let detail = accepted == 0 ? "sending" : "sending (accepted earlier: \(accepted) of \(plan.targets.count))"
        let command = stores.notifications.transitionCommand(plan.notification.id, to: .sending, detail: detail, countAttempt: !plan.pending.isEmpty,
                                                             fields: ["sendingAt": String(now.timeIntervalSince1970)], now: now)
        return (command, detail, now)
    }

    /// Sends a notification whose move to `sending` gave `started`, and records the outcome. `ack` (the queue entry's)
    /// goes in the last round trip of the common path, with other sends' counts and acks; returns whether it went.
    func transmit(_ plan: SendPlan, started: NotificationStore.Move, ack: SentCounter.Ack? = nil) async throws -> Bool {
        do { return try await send(plan, started: started, ack: ack) } catch let held as RateLimitDeferred {
            try await requeue(plan.notification, held)
            return false
        }
    }

    private func send(_ plan: SendPlan, started: NotificationStore.Move, ack: SentCounter.Ack?) async throws -> Bool {
        let (n, contact, fields) = (plan.notification, plan.contact, plan.fields)
        switch started {
        case .moved: break
        // Another entry for it won the race to send: this one stays pending, in case that send is cut off.
        case .refused(current: .sending): throw LeaseHeld(notificationId: n.id)
        default: return false
        }
        let alreadyAccepted = plan.alreadyAccepted
        let pending = plan.pending
        // The common case, one target and nothing accepted before: the move to `sent` rides with the acceptance's writes.
        if pending.count == 1, alreadyAccepted.isEmpty, let target = pending.first {
            switch try await attempt(n, target: target, first: true, finishing: true, leaseStart: plan.leaseStart) {
            case .success(let a):
                let acked = try await settleSent(n, a.sent, early: a.early, ack: ack)
                logger.info("\(channel.rawValue) sent", metadata: ["notification": "\(n.id)", "provider": "\(a.provider)"])
                return acked
            case .failure(let e):
                try await prune(n, [(target, e)])
                try await failed(n, contact: contact, failures: [e], fields: fields)
                return false
            }
        }
        var accepted: [(target: DeliveryTarget, provider: String, messageId: String, receipts: Bool)] = alreadyAccepted.compactMap { t in
            let parts = (fields["sent:\(t.key)"] ?? "").split(separator: " ", maxSplits: 1).map(String.init)
            return parts.count == 2 ? (t, parts[0], parts[1], t.pool.postsReceipts(parts[0])) : nil
        }
        let acceptedEarlier = !accepted.isEmpty
        var failures: [(target: DeliveryTarget, error: ProviderError)] = []
        for target in pending {
            switch try await attempt(n, target: target, first: accepted.isEmpty, finishing: false, leaseStart: plan.leaseStart) {
            case .success(let a):
                accepted.append((target, a.provider, a.messageId, target.pool.postsReceipts(a.provider)))
                // A receipt that came before the message id was recorded: held on the record until it is `sent`.
                if let early = a.early { try await stores.outcomes.applyHeld(n.id, receipt: early) }
            case .failure(let e): failures.append((target, e))
            }
        }
        try await prune(n, failures)
        if let first = accepted.first {
            let extra = accepted.count > 1 ? " and \(accepted.count - 1) more" : ""
            // Wait for the receipt before the outcome counts as unknown; watched first, so a fast receipt finds nothing left to do
            // (an acceptance in this attempt was watched with it).
            if first.receipts && acceptedEarlier { try await stores.receipts.watch(n.id, until: receiptDeadline) }
            // The provider and its message id are in the detail and in each target's `sent:<target>` mark, not again in fields.
            let t = try await stores.notifications.transition(n.id, to: .sent, detail: "accepted by \(first.provider) (\(first.messageId))\(extra)")
            let acked = try await settleSent(n, t, early: nil, ack: ack)
            logger.info("\(channel.rawValue) sent", metadata: ["notification": "\(n.id)", "provider": "\(first.provider)"])
            return acked
        }
        try await failed(n, contact: contact, failures: failures.map(\.error), fields: fields)
        return false
    }

    /// After the move to `sent`: its count (with `ack` after it, both gathered with other sends'), or, when a receipt came
    /// while the send was being recorded, its count and then the receipt, leaving the ack to the caller. Returns whether
    /// `ack` went.
    private func settleSent(_ n: NotificationRecord, _ t: NotificationStore.Transition?, early: String?, ack: SentCounter.Ack?) async throws -> Bool {
        guard let t, case .moved(let previous) = t.move else { return false }
        let move = EventStore.CountedMove(n.id, eventId: n.eventId, from: previous, to: .sent, mark: t.countMark)
        guard let held = t.pendingReceipt ?? early else {
            try await stores.sent.count(move, ack: ack)
            return ack != nil
        }
        // The entry is acknowledged only after the receipt is applied: a stop in between brings it back, and the reclaim
        // applies a receipt held on a `sent` record.
        try await stores.sent.count(move, ack: nil)
        try await stores.outcomes.applyHeld(n.id, receipt: held)
        return false
    }

    var receiptDeadline: Date { Date().addingTimeInterval(ProviderHealth.seconds(settings.receiptTimeout)) }

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
