/// An acceptance recorded only after a try whose answers were lost with the connection, and whose move to `sent` was
/// then refused: the lost try may have made it, so this worker does not know the move's count mark. The entry is left
/// pending; the reclaim finds the move uncounted and counts it, as after any interruption.
struct AcceptanceRecordedLate: Error, Sendable {
    let notificationId: String
}
