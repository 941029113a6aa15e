import NotifyCore

/// What fan-out finds for one recipient: what choosing a channel needs, with the addresses left sealed.
public enum ContactLookup: Sendable, Equatable {
    case found(ContactReach)
    /// The resident erased their data.
    case erased
    /// No such resident ever registered.
    case unknown
}
