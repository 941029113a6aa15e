/// What an ``SMTPSimulator`` has seen since it was created.
public struct SMTPCounts: Sendable, Equatable {
    /// Messages accepted (answered 250 after DATA).
    public var accepted = 0
    /// Connections opened by clients.
    public var connections = 0
    /// Accepted messages whose Message-ID an earlier accepted message already had.
    public var duplicates = 0

    public init() {}
}
