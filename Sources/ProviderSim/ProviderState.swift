/// What the simulator remembers about one provider.
struct ProviderState: Sendable {
    var behaviour: ProviderBehaviour
    /// When ``behaviour`` was set: outage windows count from here.
    var behaviourSetAt: ContinuousClock.Instant
    /// Admission times within the last second, oldest first (throttling).
    var admitted: [ContinuousClock.Instant] = []
    /// Accepted messages, oldest first, capped at the configured limit.
    var messages: [SimulatedMessage] = []
    /// Accepted messages per recipient; exact even when ``messages`` is capped.
    var counts: [String: Int] = [:]
    /// Deduplication key to the message it first accepted.
    var seenKeys: [String: SimulatedMessage] = [:]
    /// Recipients marked dead through the control API.
    var dead: Set<String> = []

    init(behaviour: ProviderBehaviour, now: ContinuousClock.Instant) {
        self.behaviour = behaviour
        self.behaviourSetAt = now
    }

    /// Whether an outage (flag or window) covers `now`.
    func isInOutage(at now: ContinuousClock.Instant) -> Bool {
        if behaviour.outage { return true }
        let elapsed = now - behaviourSetAt
        return behaviour.outageWindows.contains { window in
            let start = Duration.milliseconds(window.startMs)
            return elapsed >= start && elapsed < start + .milliseconds(window.durationMs)
        }
    }

    /// Admits one request against `maxPerSecond` (a rolling one-second window).
    mutating func admit(at now: ContinuousClock.Instant) -> Bool {
        guard let limit = behaviour.maxPerSecond else { return true }
        let horizon = now - .seconds(1)
        if let firstKept = admitted.firstIndex(where: { $0 > horizon }) {
            admitted.removeFirst(firstKept)
        } else {
            admitted.removeAll()
        }
        guard admitted.count < max(0, limit) else { return false }
        admitted.append(now)
        return true
    }
}
