import Foundation
import NotifyCore

/// Which dead letters a staff listing or a bulk replay covers.
public struct FailureFilter: Sendable, Equatable, Codable {
    public var channel: Channel?
    public var eventType: String?
    /// Failed at or after.
    public var since: Date?
    /// Failed at or before (a bulk replay stops at its own start, so what fails again is not taken twice).
    public var until: Date?

    public init(channel: Channel? = nil, eventType: String? = nil, since: Date? = nil, until: Date? = nil) {
        self.channel = channel
        self.eventType = eventType
        self.since = since
        self.until = until
    }

    func matches(_ letter: DeadLetter) -> Bool {
        eventType.map { $0 == letter.eventType } ?? true
    }
}
