import NotifyStore

/// How many more queue entries a consumer may take while others are still in flight, and which ones are: an entry
/// read again while in flight (its own pending entries after a Redis error, or a reclaim of a long send) is not
/// handled twice at once.
actor WindowSlots {
    private var free: Int
    private var inFlight: Set<String> = []
    private var waiter: CheckedContinuation<Void, Never>?

    init(_ window: Int) { free = max(1, window) }

    /// Waits until at least one slot is free; returns how many are, at most `max`.
    func room(max limit: Int) async -> Int {
        while free <= 0 { await withCheckedContinuation { waiter = $0 } }
        return min(free, limit)
    }

    /// The entries not already in flight, now taken. A reclaim can add entries beyond the room asked for: the window
    /// then runs over until they finish.
    func admit(_ entries: [WorkQueue.Entry]) -> [WorkQueue.Entry] {
        let new = entries.filter { inFlight.insert($0.id).inserted }
        free -= new.count
        return new
    }

    func release(_ id: String) {
        inFlight.remove(id)
        free += 1
        waiter?.resume()
        waiter = nil
    }
}
