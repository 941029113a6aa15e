import NotifyCore

/// One channel's dead-letter stream while a listing merges several, newest first.
struct MergedStream: Sendable {
    let channel: Channel
    /// Where the next read starts (XREVRANGE's end argument).
    var end: String
    var buffer: [WorkQueue.Entry] = []
    var exhausted = false

    init(channel: Channel, end: String) {
        self.channel = channel
        self.end = end
    }

    /// The stream whose head is newest (ties to the earlier channel), or nil when all are empty.
    static func newest(_ streams: [MergedStream]) -> Int? {
        var best: (index: Int, key: (UInt64, UInt64))?
        for (k, s) in streams.enumerated() {
            guard let head = s.buffer.first else { continue }
            let key = order(head.id)
            if let current = best, current.key >= key { continue }
            best = (k, key)
        }
        return best?.index
    }

    static func order(_ id: String) -> (UInt64, UInt64) {
        let parts = id.split(separator: "-")
        return (parts.first.flatMap { UInt64($0) } ?? 0, parts.count > 1 ? UInt64(parts[1]) ?? 0 : 0)
    }
}
