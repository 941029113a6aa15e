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
    /// `sent` when `finishing`, the notification's last target).
    func attempt(_ n: NotificationRecord, target: DeliveryTarget, first: Bool, finishing: Bool,
                 leaseStart: Date) async throws -> Result<Accepted, ProviderError> {
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
        // error here is not the provider's: the writes are tried again while the lease holds, and past it the entry is
        // left pending, for the one who takes it over.
        var writes = [NotificationStore.markAcceptedCommand(n.id, target: target.key, provider: member.name, messageId: acceptance.messageId),
                      stores.messageIndex.recordCommand(provider: member.name, messageId: acceptance.messageId, notificationId: n.id)]
        if first && target.pool.postsReceipts(member.name) { writes.append(ReceiptWatch.watchCommand(n.id, until: receiptDeadline)) }
        let marks = writes.count
        let now = Date()
        let detail = "accepted by \(member.name) (\(acceptance.messageId))"
        let fields = ["provider": member.name, "providerMessageId": acceptance.messageId]
        if finishing { writes.append(stores.notifications.transitionCommand(n.id, to: .sent, detail: detail, fields: fields, now: now)) }
        let (replies, retried) = try await recordAcceptance(writes, marks: marks, notificationId: n.id, until: leaseStart + recordingWindow)
        let sent = finishing
            ? try await stores.notifications.interpret(replies[marks], command: writes[marks], id: n.id, to: .sent, detail: detail, now: now)
            : nil
        if retried, let sent, sent.move != .moved(from: .sending) { throw AcceptanceRecordedLate(notificationId: n.id) }
        return .success(Accepted(provider: member.name, messageId: acceptance.messageId, sent: sent,
                                 early: ProviderMessageIndex.earlyReceipt(replies[1])))
    }

    /// How long after the lease starts a worker may still try to record an acceptance: three quarters of the lease,
    /// which is wall-clock time compared across processes, leaving room for their clocks and for the writes in flight.
    var recordingWindow: TimeInterval { ProviderHealth.seconds(settings.lease) * 0.75 }

    /// Writes what an accepted send leaves (marks first, then a move), again and again while Redis refuses or is
    /// away, until `deadline`: a send the provider accepted must not be sent again because Redis restarted at that
    /// moment (an SMS gateway drops a repeat by its idempotency key; an SMTP server does not).
    /// Returns the replies and whether it took more than one try.
    private func recordAcceptance(_ writes: [RedisCommand], marks: Int, notificationId: String,
                                  until deadline: Date) async throws -> (replies: [RedisValue], retried: Bool) {
        var pause = Duration.milliseconds(50)
        var retried = false
        while true {
            do {
                let replies = try await stores.redis.orderedPipeline(writes)
                for reply in replies[..<marks] {
                    if case .error(let message) = reply { throw RedisError.reply(message) }
                }
                return (replies, retried)
            } catch {
                retried = true
                guard Date().addingTimeInterval(ProviderHealth.seconds(pause)) < deadline else { throw error }
                logger.warning("recording an accepted send failed; trying again", metadata: [
                    "channel": "\(channel.rawValue)", "notification": "\(notificationId)", "error": "\(error)",
                ])
                try await Task.sleep(for: pause)
                pause = min(pause * 2, .milliseconds(500))
            }
        }
    }
}
