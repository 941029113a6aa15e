import NotifyCore

/// Where a failure listing stopped: a dead-letter entry id and its channel (`<id>~<channel>`).
struct FailureCursor: Sendable, Equatable, CustomStringConvertible {
    let entryId: String
    let channel: Channel

    init(entryId: String, channel: Channel) {
        self.entryId = entryId
        self.channel = channel
    }

    init(parsing text: String) throws {
        let parts = text.split(separator: "~")
        guard parts.count == 2, let channel = Channel(rawValue: String(parts[1])), AuditLog.isCursor(String(parts[0])) else {
            throw NotifyError.invalid("cursor", "is not a cursor this listing gave")
        }
        self.init(entryId: String(parts[0]), channel: channel)
    }

    var description: String { "\(entryId)~\(channel.rawValue)" }
}
