/// What the configured behaviour decides for one request that got past authentication.
enum Admission {
    case pass, throttled, failure
}

/// Outcome of recording an accepted message.
enum Recording {
    /// First time: counted.
    case accepted(SimulatedMessage)
    /// The dedup key was seen before: the earlier message, not counted again.
    case duplicate(SimulatedMessage)
}

extension ProviderSimulator {
    /// Waits for the provider's configured latency.
    func applyLatency(_ provider: Provider) async throws {
        let ms = state.withLock { $0[provider].behaviour.latencyMs }
        if ms > 0 { try await Task.sleep(for: .milliseconds(ms)) }
    }

    func isInOutage(_ provider: Provider) -> Bool {
        let now = ContinuousClock.now
        return state.withLock { $0[provider].isInOutage(at: now) }
    }

    /// Throttling first, then the random failure share.
    func admit(_ provider: Provider) -> Admission {
        let now = ContinuousClock.now
        return state.withLock { state in
            state.update(provider) { entry in
                guard entry.admit(at: now) else { return .throttled }
                let rate = entry.behaviour.failureRate
                return rate > 0 && Double.random(in: 0..<1) < rate ? .failure : .pass
            }
        }
    }

    func isDead(_ provider: Provider, _ recipient: String) -> Bool {
        state.withLock { $0[provider].dead.contains(recipient) }
    }

    func behaviour(_ provider: Provider) -> ProviderBehaviour {
        state.withLock { $0[provider].behaviour }
    }

    /// Records `message` unless `key` was seen; with `replace`, a seen key's message is
    /// overwritten in place (Web Push `Topic`) and still counted once.
    func record(_ message: SimulatedMessage, for provider: Provider, key: String? = nil, replace: Bool = false) -> Recording {
        let limit = max(1, configuration.messageLimit)
        return state.withLock { state in
            state.update(provider) { entry in Self.record(message, in: &entry, key: key, replace: replace, limit: limit) }
        }
    }

    private static func record(_ message: SimulatedMessage, in entry: inout ProviderState, key: String?, replace: Bool, limit: Int) -> Recording {
        if let key, let earlier = entry.seenKeys[key] {
            guard replace else { return .duplicate(earlier) }
            entry.seenKeys[key] = message
            if let index = entry.messages.lastIndex(where: { $0.messageId == earlier.messageId }) {
                entry.messages[index] = message
            }
            return .duplicate(message)
        }
        if let key { entry.seenKeys[key] = message }
        entry.counts[message.recipient, default: 0] += 1
        entry.messages.append(message)
        // Trimmed in halves, not one at a time: dropping the oldest on every send moved the whole list each time.
        if entry.messages.count >= 2 * limit { entry.messages.removeFirst(entry.messages.count - limit) }
        return .accepted(message)
    }

    /// Queues a receipt job; dropped when the simulator is not running.
    func enqueue(_ job: ReceiptJob) {
        let sink = state.withLock { $0.receipts }
        sink?.yield(job)
    }
}
