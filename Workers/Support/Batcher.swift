import Synchronization

/// Gathers concurrent calls into batch calls, as a Redis connection gathers commands: while `maxInFlight` batches are
/// under way, a call waits, and the next batch to start carries it with up to `maxBatch - 1` others. A call that finds
/// a slot free goes at once, so a lone item never waits.
///
/// No task is spawned: the caller whose turn it is performs the batch and hands each waiter its outcome, then hands its
/// slot to the first waiter left, which leads the next batch.
final class Batcher<Input: Sendable, Output: Sendable>: Sendable {
    typealias Item = Input
    typealias Outcome = Output
    /// Performs `items` in one call; one outcome per item, in order.
    typealias Perform = @Sendable (_ items: [Item]) async -> [Outcome]
    /// The outcome of every item of a batch whose `perform` answered `answered` outcomes for `asked` items.
    typealias Mismatch = @Sendable (_ answered: Int, _ asked: Int) -> Outcome

    private enum Turn: Sendable {
        case done(Outcome)
        case lead
    }

    private struct Waiter: Sendable {
        let item: Item
        let continuation: CheckedContinuation<Turn, Never>
    }

    private struct State: Sendable {
        var waiting: [Waiter] = []
        var inFlight = 0
    }

    let maxBatch: Int
    let maxInFlight: Int
    private let perform: Perform
    private let mismatch: Mismatch
    private let state = Mutex(State())

    init(maxBatch: Int, maxInFlight: Int, perform: @escaping Perform, mismatch: @escaping Mismatch) {
        self.maxBatch = max(1, maxBatch)
        self.maxInFlight = max(1, maxInFlight)
        self.perform = perform
        self.mismatch = mismatch
    }

    /// Calls waiting for a slot.
    var waitingCount: Int { state.withLock { $0.waiting.count } }

    /// Performs `item` alone or with others; the outcome is this item's own.
    func submit(_ item: Item) async -> Outcome {
        let slotFree = state.withLock { s in
            guard s.inFlight < maxInFlight else { return false }
            s.inFlight += 1
            return true
        }
        if !slotFree {
            let turn = await withCheckedContinuation { (continuation: CheckedContinuation<Turn, Never>) in
                // A slot may have come free since the check above; the waiter is queued under the same lock that frees one.
                let lead = state.withLock { s in
                    guard s.inFlight < maxInFlight else {
                        s.waiting.append(Waiter(item: item, continuation: continuation))
                        return false
                    }
                    s.inFlight += 1
                    return true
                }
                if lead { continuation.resume(returning: .lead) }
            }
            if case .done(let outcome) = turn { return outcome }
        }
        return await lead(item)
    }

    /// Holds a slot: performs `item` with the waiters at the front, answers them, and passes the slot on.
    private func lead(_ item: Item) async -> Outcome {
        let others = state.withLock { s in
            let taken = Array(s.waiting.prefix(maxBatch - 1))
            s.waiting.removeFirst(taken.count)
            return taken
        }
        var outcomes = await perform([item] + others.map(\.item))
        if outcomes.count != others.count + 1 {
            outcomes = Array(repeating: mismatch(outcomes.count, others.count + 1), count: others.count + 1)
        }
        for (waiter, outcome) in zip(others, outcomes.dropFirst()) { waiter.continuation.resume(returning: .done(outcome)) }
        let next = state.withLock { s -> Waiter? in
            guard !s.waiting.isEmpty else {
                s.inFlight -= 1
                return nil
            }
            return s.waiting.removeFirst()
        }
        next?.continuation.resume(returning: .lead)
        return outcomes[0]
    }
}
