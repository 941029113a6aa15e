/// What a worker process does; `notifyme worker <role>...` runs some, `notifyme run` runs all.
public enum WorkerRole: String, Sendable, CaseIterable {
    /// Events to notifications.
    case fanout
    /// One channel's deliveries.
    case sms, email, push
    /// Status callbacks to entities.
    case callbacks
    /// Staff bulk replays.
    case replays
    /// Moves due retries, quiet-hours holds and scheduled events back onto their streams.
    case scheduler
}
