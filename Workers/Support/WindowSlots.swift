import NotifyStore

/// How many more queue entries a consumer may take while others are still in flight, and which ones are: an entry
/// read again while in flight (its own pending entries after a Redis error, or a reclaim of a long send) is not
/// handled twice at once, nor again just after it finished (a reclaim read before its ack can be admitted after).
actor WindowSlots {
    private var free: Int
    private let window: Int
    private var inFlight: Set<String> = []
    /// Entries finished in the last `settle`, oldest first (`recentStart` is the first one still kept), and as a set.
    private var recent: [(key: String, at: ContinuousClock.Instant)] = []
    private var recentStart = 0
    private var recentKeys: Set<String> = []
    /// How long a finished entry is not taken again: longer than a reclaim's reply takes to be admitted; an entry whose
    /// handling failed is reclaimed again later.
    private let settle = Duration.seconds(2)
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
        forgetSettled()
        let new = entries.filter { entry in
            let key = "\(stream) \(entry.id)"
            return !recentKeys.contains(key) && inFlight.insert(key).inserted
        }
        free -= new.count
        return new
    }

    func release(_ id: String, stream: String) {
        let key = "\(stream) \(id)"
        inFlight.remove(key)
        if recentKeys.insert(key).inserted { recent.append((key, .now)) }
        free += 1
        // Each waiter looks again; those that find no room wait again.
        let woken = waiters
        waiters.removeAll()
        for waiter in woken { waiter.resume() }
    }

    private func forgetSettled() {
        let now = ContinuousClock.now
        while recentStart < recent.count, now - recent[recentStart].at > settle {
            recentKeys.remove(recent[recentStart].key)
            recentStart += 1
        }
        // Drop the forgotten prefix now and then, not on every call.
        if recentStart > 1024 && recentStart * 2 > recent.count {
            recent.removeFirst(recentStart)
            recentStart = 0
        }
    }
}
