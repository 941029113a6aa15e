import Foundation

/// A resident's quiet hours: a daily window, in their time zone, when only urgent messages go out.
public struct QuietHours: Sendable, Equatable, Codable {
    /// Minutes after local midnight.
    public let start: Int
    public let end: Int
    public let timeZone: String

    public static let defaultTimeZone = "Asia/Bahrain"

    /// Parses `"22:00"`-style times; the window may cross midnight.
    public init(start: String, end: String, timeZone: String? = nil) throws(NotifyError) {
        guard let s = Self.minutes(start) else { throw .invalid("quietHours.start", "must be a time as HH:MM, 00:00 to 23:59") }
        guard let e = Self.minutes(end) else { throw .invalid("quietHours.end", "must be a time as HH:MM, 00:00 to 23:59") }
        guard s != e else { throw .invalid("quietHours.end", "must differ from the start") }
        let zone = timeZone ?? Self.defaultTimeZone
        guard zone.count <= 64, TimeZone(identifier: zone) != nil else {
            throw .invalid("quietHours.timeZone", "must be an IANA time zone such as Asia/Bahrain")
        }
        self.start = s
        self.end = e
        self.timeZone = zone
    }

    public var startText: String { Self.text(start) }
    public var endText: String { Self.text(end) }

    /// Whether `date` falls inside the window.
    public func contains(_ date: Date) -> Bool {
        let m = localMinutes(date)
        return start < end ? (m >= start && m < end) : (m >= start || m < end)
    }

    /// The first moment at or after `date` outside the window (`date` itself when not quiet).
    public func nextAllowed(after date: Date) -> Date {
        guard contains(date) else { return date }
        let m = localMinutes(date)
        let wait = (end - m + 1440) % 1440
        let seconds = TimeInterval(wait * 60) - date.timeIntervalSince1970.truncatingRemainder(dividingBy: 60)
        return date.addingTimeInterval(seconds)
    }

    private func localMinutes(_ date: Date) -> Int {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: timeZone) ?? TimeZone(secondsFromGMT: 3 * 3600) ?? .current
        let c = calendar.dateComponents([.hour, .minute], from: date)
        return (c.hour ?? 0) * 60 + (c.minute ?? 0)
    }

    private static func minutes(_ text: String) -> Int? {
        let parts = text.split(separator: ":")
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2,
              let h = Int(parts[0]), let m = Int(parts[1]), (0..<24).contains(h), (0..<60).contains(m) else { return nil }
        return h * 60 + m
    }

    private static func text(_ minutes: Int) -> String {
        let h = minutes / 60, m = minutes % 60
        return (h < 10 ? "0" : "") + "\(h):" + (m < 10 ? "0" : "") + "\(m)"
    }
}
