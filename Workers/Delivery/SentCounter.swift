import NotifyStore
import Redis

/// Counts concurrent sends' moves to `sent` on their events and acknowledges their queue entries, gathered into one
/// round trip per batch (see ``Batcher``): each event's counts added up (two HINCRBY per event and batch, not per send),
/// each queue's acknowledgements in one XACK. Every send's own mark is still removed after the counts and before its
/// acknowledgement, so a process stopped at any point leaves what ``EventStore/repairCounts(_:eventId:fields:)`` and
/// the queue's reclaim finish, as with a single send.
struct SentCounter: Sendable {
    /// A queue entry to acknowledge once its send is counted.
    struct Ack: Sendable {
        let queue: WorkQueue
        let entryId: String
    }

    private struct Item: Sendable {
        let move: EventStore.CountedMove
        let ack: Ack?
    }

    private let batcher: Batcher<Item, Result<Void, any Error>>

    /// `maxBatch` sends per round trip at most, `maxInFlight` round trips under way at once.
    init(events: EventStore, maxBatch: Int = 256, maxInFlight: Int = 2) {
        batcher = Batcher(maxBatch: maxBatch, maxInFlight: maxInFlight, perform: { items in
            do {
                try await events.countMoves(items.map(\.move), then: Self.acks(items.compactMap(\.ack)))
                return Array(repeating: .success(()), count: items.count)
            } catch {
                return Array(repeating: .failure(error), count: items.count)
            }
        }, mismatch: { answered, asked in .failure(RedisError.protocolViolation("sent counts: \(answered) results for \(asked) sends")) })
    }

    /// Counts `move` (and removes its mark), then acknowledges `ack`; throws what the batch's round trip threw.
    func count(_ move: EventStore.CountedMove, ack: Ack?) async throws {
        try await batcher.submit(Item(move: move, ack: ack)).get()
    }

    /// One XACK per queue, in the order the queues first appear.
    private static func acks(_ acks: [Ack]) -> [RedisCommand] {
        var order: [String] = []
        var byStream: [String: (queue: WorkQueue, ids: [String])] = [:]
        for ack in acks {
            let key = "\(ack.queue.stream) \(ack.queue.group)"
            if byStream[key] == nil { order.append(key) }
            byStream[key, default: (ack.queue, [])].ids.append(ack.entryId)
        }
        return order.compactMap { byStream[$0].map { $0.queue.ackCommand($0.ids) } }
    }
}
