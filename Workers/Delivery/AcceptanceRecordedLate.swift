/// An acceptance recorded only on a second try, whose move to `sent` was refused: the first try made it, and its
/// reply was lost with the connection, so this worker does not know the move's count mark. The entry is left
/// pending; the reclaim finds the move uncounted and counts it, as after any interruption.
struct AcceptanceRecordedLate: Error, Sendable {
    let notificationId: String
}
