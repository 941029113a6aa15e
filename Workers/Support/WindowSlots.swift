/// How many more queue entries a consumer may take while others are still in flight.
actor WindowSlots {
    private var free: Int
    private var waiter: CheckedContinuation<Void, Never>?

    init(_ window: Int) { free = max(1, window) }

    /// Waits until at least one slot is free; returns how many are, at most `max`.
    func room(max limit: Int) async -> Int {
        while free <= 0 { await withCheckedContinuation { waiter = $0 } }
        return min(free, limit)
    }

    /// A reclaim can add entries beyond the room asked for: the window then runs over until they finish.
    func take(_ n: Int) { free -= n }

    func release() {
        free += 1
        waiter?.resume()
        waiter = nil
    }
}
