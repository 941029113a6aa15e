import NotifyCore

/// What fan-out finds for one recipient.
public enum ContactLookup: Sendable, Equatable {
    case found(Contact)
    /// The resident erased their data.
    case erased
    /// No such resident ever registered.
    case unknown
}
