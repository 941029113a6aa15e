import Foundation
import NotifyCore

/// A queued notification with everything its send needs read: the record, the resident's contact and the targets.
struct SendPlan: Sendable {
    let notification: NotificationRecord
    let contact: Contact
    let targets: [DeliveryTarget]
    /// The record's raw fields: `sent:<target>` marks say which targets a provider accepted before.
    let fields: [String: String]
    /// When the send's lease starts: the `sendingAt` its move to `sending` writes. Within the lease no other worker
    /// sends it, so until near its end an acceptance whose record failed to write may still be recorded.
    var leaseStart = Date()

    var alreadyAccepted: [DeliveryTarget] { targets.filter { fields["sent:\($0.key)"] != nil } }
    var pending: [DeliveryTarget] { targets.filter { fields["sent:\($0.key)"] == nil } }
}
