/// Gateway receipts gathered into one POST per callback URL, as a busy gateway reports them: those falling due
/// within `linger` of the first, at most `limit`, as `{"receipts": [...]}` signed once.
final class ReceiptBatcher: Sendable {
    let limit: Int
    let linger: Duration
    private let pending = Locked<[String: Queue]>([:])

    private struct Entry {
        let due: ContinuousClock.Instant
        let post: ReceiptJob.Post
    }

    private struct Queue {
        var entries: [Entry] = []
        var head = 0
        var count: Int { entries.count - head }

        /// Up to `limit` entries due by `now`, oldest first.
        mutating func take(limit: Int, now: ContinuousClock.Instant) -> [Entry] {
            var end = head
            while end < entries.count, end - head < limit, entries[end].due <= now { end += 1 }
            let batch = Array(entries[head..<end])
            head = end
            // Compacted once the taken part outweighs the rest, so a long run does not keep every receipt it sent.
            if head > 1024 && head * 2 > entries.count {
                entries.removeFirst(head)
                head = 0
            }
            return batch
        }
    }

    init(limit: Int, linger: Duration = .milliseconds(25)) {
        self.limit = max(1, limit)
        self.linger = linger
    }

    /// Queues one receipt; true when its URL had nothing waiting, so the caller starts ``batches(for:_:)`` for it.
    func add(_ post: ReceiptJob.Post) -> Bool {
        let entry = Entry(due: .now + post.delay, post: post)
        return pending.withLock { queues in
            let started = queues[post.url] == nil
            queues[post.url, default: Queue()].entries.append(entry)
            return started
        }
    }

    /// Calls `body` with each batch for `url` as it falls due, until nothing is left waiting for it (or cancelled).
    func batches(for url: String, _ body: (ReceiptJob.Post) -> Void) async {
        while let first = firstDue(url) {
            // A full batch goes as soon as its first receipt is due; a short one waits `linger` for more.
            do { try await Task.sleep(until: first.full ? first.due : first.due + linger) } catch { return }
            if let batch = take(url) { body(batch) }
        }
    }

    /// When the oldest receipt for `url` is due and whether a full batch already waits; nil (and the URL forgotten,
    /// so the next receipt starts a new round) when none is left.
    private func firstDue(_ url: String) -> (due: ContinuousClock.Instant, full: Bool)? {
        pending.withLock { queues in
            guard let queue = queues[url], queue.count > 0 else {
                queues[url] = nil
                return nil
            }
            return (queue.entries[queue.head].due, queue.count >= limit)
        }
    }

    /// Up to `limit` due receipts for `url` as one post.
    private func take(_ url: String) -> ReceiptJob.Post? {
        let now = ContinuousClock.now
        // Only the loop that runs `batches(for:)` for `url` takes from its queue, and it exists while the queue does.
        let taken = pending.withLock { $0[url, default: Queue()].take(limit: limit, now: now) }
        guard let first = taken.first else { return nil }
        var body = Array(#"{"receipts":["#.utf8)
        for (i, entry) in taken.enumerated() {
            if i > 0 { body.append(UInt8(ascii: ",")) }
            body += entry.post.body
        }
        body += Array("]}".utf8)
        return ReceiptJob.Post(delay: .zero, url: url, contentType: first.post.contentType, body: body, signing: first.post.signing)
    }
}
