import Foundation
import Logging
import NotifyCore
import NotifyStore
import Transport

/// One email notification's send: state written before and after the SMTP call.
struct EmailDelivery: Sendable {
    let notifications: NotificationStore
    let contacts: ContactStore
    let events: EventStore
    let queue: WorkQueue
    let sender: any EmailSender
    let fromHeader: String
    let maxAttempts: Int
    /// A send older than this is taken to be dead; a younger one belongs to a live worker.
    let lease: Duration
    let logger: Logger

    func deliver(_ id: String) async throws {
        guard let (n, _, fields) = try await notifications.load(id) else {
            logger.warning("queued notification has no record; skipped", metadata: ["notification": "\(id)"])
            return
        }
        var log = logger
        log[metadataKey: "notification"] = "\(id)"
        if n.status == .sending {
            // Another live worker may hold it (a second queue entry for the same notification): leave it.
            let started = fields["sendingAt"].flatMap(Double.init) ?? 0
            guard Date().timeIntervalSince1970 - started > Double(lease.components.seconds) else { return }
            // The worker died mid-send: the outcome is unknown. Email carries a stable Message-ID,
            // so a resend is recognisable as the same message by the receiving side.
            try await notifications.move(id, to: .queued, detail: "send interrupted; retrying")
        } else if n.status != .queued {
            return  // already handled by an earlier delivery of this entry
        }
        guard let contact = try await contacts.load(n.cpr), let address = contact.email, let message = n.message else {
            try await finish(n, .suppressed, detail: "no email address on record (erased or removed)")
            return
        }
        // Only verification codes may go to an address not yet confirmed (it may have changed since fan-out).
        guard contact.verified.contains(.email) || n.eventType == EventCatalogue.verificationCodeType else {
            try await finish(n, .suppressed, detail: "email address not verified")
            return
        }
        let lease = ["sendingAt": String(Date().timeIntervalSince1970)]
        guard case .moved = try await notifications.move(id, to: .sending, detail: "submitting", countAttempt: true, fields: lease) else { return }
        let mail = MailMessage(
            from: fromHeader, to: [address.value], subject: message.subject ?? "", textBody: message.body, htmlBody: message.html,
            messageID: "<\(id)@notifyme>", date: Date(),
            extraHeaders: [HTTPHeader(name: "X-Notification-Id", value: id)]
        )
        do {
            try await sender.send(mail, from: Self.address(in: fromHeader), to: address.value)
            try await finish(n, .sent, detail: "accepted by the mail server", from: .sending)
            log.info("email sent", metadata: ["to": "\(address.redacted)"])
        } catch {
            let attempts = n.attempts + 1
            if attempts >= maxAttempts {
                try await finish(n, .failed, detail: "gave up after \(attempts) attempts: \(Self.describe(error))", from: .sending)
                log.warning("email failed", metadata: ["attempts": "\(attempts)"])
            } else {
                try await notifications.move(id, to: .queued, detail: "attempt \(attempts) failed: \(Self.describe(error))")
                try await Task.sleep(for: .milliseconds(100 << min(attempts, 6)))
                try await queue.add([["notification": id]])
                log.info("email send failed; retrying", metadata: ["attempts": "\(attempts)"])
            }
        }
    }

    private func finish(_ n: NotificationRecord, _ status: NotificationStatus, detail: String, from: NotificationStatus? = nil) async throws {
        if case .moved(let previous) = try await notifications.move(n.id, to: status, detail: detail) {
            try await events.count(n.eventId, moves: [(from: previous == .sending ? .queued : previous, to: status)])
        }
    }

    /// The bare address of a header such as `NotifyMe <no-reply@notify.gov.bh>`.
    static func address(in header: String) -> String {
        guard let open = header.lastIndex(of: "<"), let close = header.lastIndex(of: ">"), open < close else { return header }
        return String(header[header.index(after: open)..<close])
    }

    private static func describe(_ error: any Error) -> String {
        if let t = error as? TransportError { return t.description }
        return "\(type(of: error))"
    }
}
