/// Where a notification is in its life. The allowed moves live here and nowhere else.
public enum NotificationStatus: String, Sendable, Codable, CaseIterable, Hashable {
    case accepted, queued, sending, sent, delivered, failed, suppressed, expired

    /// Whether moving from `self` to `next` is allowed.
    public func canMove(to next: NotificationStatus) -> Bool {
        Self.transitions[self, default: []].contains(next)
    }

    /// No further move is expected (a replay may still take `failed` back to `queued`).
    public var isFinal: Bool {
        switch self {
        case .delivered, .failed, .suppressed, .expired: true
        default: false
        }
    }

    private static let transitions: [NotificationStatus: Set<NotificationStatus>] = [
        .accepted: [.queued, .suppressed, .failed],
        .queued: [.sending, .suppressed, .failed],
        // sending -> queued is a transient failure waiting for its retry.
        .sending: [.sent, .queued, .failed, .suppressed],
        .sent: [.delivered, .failed, .expired],
        // A late receipt may still tell the outcome of an expired notification.
        .expired: [.delivered, .failed],
        // Staff replay.
        .failed: [.queued],
        .delivered: [],
        .suppressed: [],
    ]
}
