/// A queue entry names a notification whose send started less than a lease ago: the entry is left pending,
/// not acknowledged, so the reclaim brings it back once the lease is stale.
struct LeaseHeld: Error, Sendable {
    let notificationId: String
}
