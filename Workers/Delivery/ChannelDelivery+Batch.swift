import Foundation
import NotifyCore
import NotifyStore

extension ChannelDelivery {
    /// One queue entry's notification after its batch was read: started (moved to `sending`, ready to transmit), or
    /// left to ``deliver(_:)``, which handles every case off the common path on its own.
    enum Prepared: Sendable {
        case started(SendPlan, NotificationStore.Move)
        case individually
    }

    /// Reads and starts the notifications of a batch of queue entries with one round trip per step for all of them:
    /// the records, then the contacts (and devices, for push), then the moves to `sending`. Only queued notifications
    /// of this channel with nothing left to repair, a contact and a usable target take this path; the others, and all
    /// of them when a step fails, are left to ``deliver(_:)``.
    func start(_ ids: [String]) async -> [Prepared] {
        var prepared = [Prepared](repeating: .individually, count: ids.count)
        do {
            let records = try await stores.notifications.loadRecords(ids)
            let candidates = records.enumerated().compactMap { index, record -> (index: Int, n: NotificationRecord, fields: [String: String])? in
                guard let (n, fields) = record, n.channel == channel, n.status == .queued, !EventStore.hasUncountedMoves(fields) else { return nil }
                return (index, n, fields)
            }
            guard !candidates.isEmpty else { return prepared }
            let cprs = candidates.map(\.n.cpr)
            let contacts = try await stores.contacts.load(cprs, for: channel)
            let devices = channel == .push ? try await stores.devices.list(cprs) : Array(repeating: [], count: cprs.count)
            var plans: [(index: Int, plan: SendPlan)] = []
            for (k, c) in candidates.enumerated() {
                guard let contact = contacts[k], case .success(let targets) = targets(c.n, contact: contact, devices: devices[k]) else { continue }
                plans.append((c.index, SendPlan(notification: c.n, contact: contact, targets: targets, fields: c.fields)))
            }
            let starts = plans.map { startCommand($0.plan) }
            let replies = try await stores.redis.pipeline(starts.map(\.command))
            for ((index, plan), (start, reply)) in zip(plans, zip(starts, replies)) {
                let t = try await stores.notifications.interpret(reply, command: start.command, id: plan.notification.id, to: .sending,
                                                                 detail: start.detail, now: start.now)
                prepared[index] = .started(plan, t.move)
            }
        } catch {
            // Each one left is delivered on its own; one whose move went through waits out its lease like any cut-off send.
            logger.warning("reading a batch failed; its notifications go one by one", metadata: [
                "channel": "\(channel.rawValue)", "notifications": "\(ids.count)", "error": "\(type(of: error))",
            ])
        }
        return prepared
    }
}
