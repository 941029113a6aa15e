import Foundation
import Metrics
import NotifyCore
import NotifyStore
import Redis

extension ChannelDelivery {
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
    /// `sent` when `finishing`, the notification's last target). Throws ``RateLimitDeferred`` rather than wait for the rate
    /// limit past a quarter of the lease: the call and its record must fit within half the lease.
    func attempt(_ n: NotificationRecord, target: DeliveryTarget, first: Bool, finishing: Bool,
                 leaseStart: Date) async throws -> Result<Accepted, ProviderError> {
        let member = target.pool.pick()
        if let rate = member.ratePerSecond, let turns = member.turns {
            let deadline = leaseStart + recordingWindow / 2
            try await turns.inTurn { [stores] in
                // The turn itself may have come late.
                guard Date() < deadline else { throw RateLimitDeferred(provider: member.name) }
                while let wait = try await stores.limiter.take("provider:\(member.name)", rate: rate, burst: max(1, rate)) {
                    guard Date().addingTimeInterval(ProviderHealth.seconds(wait)) < deadline else { throw RateLimitDeferred(provider: member.name) }
                    try await Task.sleep(for: wait)
                }
            }
        }
        let message = outbound(n, target: target)
        let started = ContinuousClock.now
        let timer = Self.requestTimers[ProviderKey(channel: channel.rawValue, provider: member.name)]
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
        // error here is not the provider's: the writes are tried again while the lease holds, and past it the entry is
        // left pending, for the one who takes it over.
        var writes = [NotificationStore.markAcceptedCommand(n.id, target: target.key, provider: member.name, messageId: acceptance.messageId)]
        // Only receipts that name nothing but the provider's message id need the index (a provider that posts none needs
        // nothing); one that names its notification and beats this write is held on the record.
        let posts = member.adapter.postsReceipts
        let indexed = posts && !member.adapter.receiptsNameNotification
        if indexed { writes.append(stores.messageIndex.recordCommand(provider: member.name, messageId: acceptance.messageId, notificationId: n.id)) }
        if first && posts { writes.append(ReceiptWatch.watchCommand(n.id, until: receiptDeadline)) }
        let marks = writes.count
        let now = Date()
        let detail = "accepted by \(member.name) (\(acceptance.messageId))"
        if finishing { writes.append(stores.notifications.transitionCommand(n.id, to: .sent, detail: detail, now: now)) }
        let (replies, answersLost) = try await recordAcceptance(writes, marks: marks, notificationId: n.id, until: leaseStart + recordingWindow)
        let sent = finishing
            ? try await stores.notifications.interpret(replies[marks], command: writes[marks], id: n.id, to: .sent, detail: detail, now: now)
            : nil
        if answersLost, let sent, sent.move != .moved(from: .sending) { throw AcceptanceRecordedLate(notificationId: n.id) }
        return .success(Accepted(provider: member.name, messageId: acceptance.messageId, sent: sent,
                                 early: indexed ? ProviderMessageIndex.earlyReceipt(replies[1]) : nil))
    }

    /// A provider of a channel, for its metrics.
    struct ProviderKey: Hashable, Sendable {
        let channel: String
        let provider: String
    }

    /// Provider call durations, one timer per channel and provider, made once.
    static let requestTimers = MetricHandles<ProviderKey, Timer> { key in
        Timer(label: "notifyme_provider_request_duration", dimensions: [("channel", key.channel), ("provider", key.provider)],
              preferredDisplayUnit: .seconds)
    }

    /// How long after the lease starts a worker may still try to record an acceptance: half the lease. The lease is
    /// wall-clock time compared across processes, and a try begun near the end may take a while to land: the other
    /// half leaves room for both.
    var recordingWindow: TimeInterval { ProviderHealth.seconds(settings.lease) / 2 }

    /// Writes what an accepted send leaves (marks first, then a move), again and again while Redis refuses or is
    /// away, until `deadline`: a send the provider accepted must not be sent again because Redis restarted at that
    /// moment (an SMS gateway drops a repeat by its idempotency key; an SMTP server does not).
    /// Returns each command's first answer that was not an error (a later try's `SET ... GET` returns this notification's
    /// own id, not a receipt that waited there, and its move is refused as made), and whether a try's answers were lost
    /// whole, so that a move may have been made without this worker hearing of it.
    private func recordAcceptance(_ writes: [RedisCommand], marks: Int, notificationId: String,
                                  until deadline: Date) async throws -> (replies: [RedisValue], answersLost: Bool) {
        var kept = [RedisValue?](repeating: nil, count: writes.count)
        var answersLost = false
        var pause = Duration.milliseconds(50)
        func tryAgain(after error: any Error) async throws {
            guard Date().addingTimeInterval(ProviderHealth.seconds(pause)) < deadline else { throw error }
            logger.warning("recording an accepted send failed; trying again", metadata: [
                "channel": "\(channel.rawValue)", "notification": "\(notificationId)", "error": "\(error)",
            ])
            try await Task.sleep(for: pause)
            pause = min(pause * 2, .milliseconds(500))
        }
        while true {
            let replies: [RedisValue]
            do { replies = try await stores.redis.orderedPipeline(writes) } catch {
                answersLost = true
                try await tryAgain(after: error)
                continue
            }
            for (index, reply) in replies.enumerated() where kept[index] == nil {
                if case .error = reply { continue }
                kept[index] = reply
            }
            guard let failed = kept[..<marks].firstIndex(where: { $0 == nil }) else {
                return (zip(kept, replies).map { $0 ?? $1 }, answersLost)
            }
            try await tryAgain(after: RedisError.reply(replies[failed].errorMessage ?? "error reply"))
        }
    }
}
