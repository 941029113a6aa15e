import NotifyStore

/// How many more queue entries a consumer may take while others are still in flight, and which ones are: an entry
/// read again while in flight (its own pending entries after a Redis error, or a reclaim of a long send) is not
/// handled twice at once.
actor WindowSlots {
    private var free: Int
    private let window: Int
    private var inFlight: Set<String> = []
    /// Readers waiting for room: one per partition when the window is shared.
    private var waiters: [CheckedContinuation<Void, Never>] = []

    init(_ window: Int) {
        self.window = max(1, window)
        free = self.window
    }

    /// Waits until at least `least` slots (one, at most the window) are free; returns how many are, at most `max`.
    /// Waiting for several lets a reader take a batch worth reading together instead of one entry at a time.
    func room(max limit: Int, atLeast least: Int = 1) async -> Int {
        let least = Swift.min(Swift.max(1, least), window)
        while free < least { await withCheckedContinuation { waiters.append($0) } }
        return min(free, limit)
    }

    /// The entries not already in flight, now taken. A reclaim can add entries beyond the room asked for: the window
    /// then runs over until they finish.
    func admit(_ entries: [WorkQueue.Entry], stream: String) -> [WorkQueue.Entry] {
        // Ids are per stream: two partitions' streams can hand out the same one.
        let new = entries.filter { inFlight.insert("\(stream) \($0.id)").inserted }
        free -= new.count
        return new
    }

    func release(_ id: String, stream: String) {
        inFlight.remove("\(stream) \(id)")
        free += 1
        // Each waiter looks again; those that find no room wait again.
        let woken = waiters
        waiters.removeAll()
        for waiter in woken { waiter.resume() }
    }
}
