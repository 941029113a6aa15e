import struct Foundation.Date

/// A timeline line as a record keeps it: `<unix seconds> <status> <detail>`. Three moves of every notification sent
/// write one, and the record keeps them for its retention; the JSON object each line was before (`{"at":"...",
/// "detail":...,"status":...}`) took 41 bytes more, in memory and in the append-only file. JSON lines written
/// before still read: the store tells them apart by their `{`.
extension TimelineEntry {
    public var storedLine: String {
        "\(Int(at.timeIntervalSince1970.rounded(.down))) \(status.rawValue) \(detail)"
    }

    /// Reads a line ``storedLine`` wrote; nil for anything else.
    public init?(storedLine: some Collection<UInt8>) {
        let space = UInt8(ascii: " ")
        guard let first = storedLine.firstIndex(of: space),
              let seconds = Int(String(decoding: storedLine[..<first], as: UTF8.self)) else { return nil }
        let rest = storedLine[storedLine.index(after: first)...]
        guard let second = rest.firstIndex(of: space),
              let status = NotificationStatus(rawValue: String(decoding: rest[..<second], as: UTF8.self)) else { return nil }
        self.init(at: Date(timeIntervalSince1970: Double(seconds)), status: status,
                  detail: String(decoding: rest[rest.index(after: second)...], as: UTF8.self))
    }
}
