import Synchronization

/// Gathers one provider's concurrent sends into batch requests, as a Redis connection gathers commands: while
/// `maxInFlight` requests are under way, a send waits, and the next request to start carries it with up to
/// `maxBatch - 1` others. A send that finds a request slot free goes at once, so a lone message never waits.
///
/// No task is spawned: the caller whose turn it is sends the batch and hands each waiter its outcome, then hands its
/// slot to the first waiter left, which leads the next batch.
final class SendBatcher: Sendable {
    typealias Outcome = Result<ProviderAcceptance, ProviderError>
    /// Sends `messages` in one request; one outcome per message, in order.
    typealias Perform = @Sendable (_ messages: [OutboundMessage]) async -> [Outcome]

    private enum Turn: Sendable {
        case done(Outcome)
        case lead
    }

    private struct Waiter: Sendable {
        let message: OutboundMessage
        let continuation: CheckedContinuation<Turn, Never>
    }

    private struct State: Sendable {
        var waiting: [Waiter] = []
        var inFlight = 0
    }

    let maxBatch: Int
    let maxInFlight: Int
    private let perform: Perform
    private let state = Mutex(State())

    init(maxBatch: Int, maxInFlight: Int = 4, perform: @escaping Perform) {
        self.maxBatch = max(1, maxBatch)
        self.maxInFlight = max(1, maxInFlight)
        self.perform = perform
    }

    /// Sends waiting for a slot.
    var waitingCount: Int { state.withLock { $0.waiting.count } }

    /// Sends `message` alone or with others; the outcome is this message's own.
    func send(_ message: OutboundMessage) async -> Outcome {
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
                        s.waiting.append(Waiter(message: message, continuation: continuation))
                        return false
                    }
                    s.inFlight += 1
                    return true
                }
                if lead { continuation.resume(returning: .lead) }
            }
            if case .done(let outcome) = turn { return outcome }
        }
        return await lead(message)
    }

    /// Holds a slot: sends `message` with the waiters at the front, answers them, and passes the slot on.
    private func lead(_ message: OutboundMessage) async -> Outcome {
        let others = state.withLock { s in
            let taken = Array(s.waiting.prefix(maxBatch - 1))
            s.waiting.removeFirst(taken.count)
            return taken
        }
        var outcomes = await perform([message] + others.map(\.message))
        if outcomes.count != others.count + 1 {
            outcomes = Array(repeating: .failure(.transient("the provider answered \(outcomes.count) results for \(others.count + 1) messages")),
                             count: others.count + 1)
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
