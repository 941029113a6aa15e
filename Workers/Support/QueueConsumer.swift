import Logging
import NotifyStore
import Redis
import ServiceLifecycle

/// The read loop every queue worker shares: drain own pending entries first, then new ones,
/// reclaim entries dead consumers left behind, and stop between batches on graceful shutdown,
/// handing back what is still unfinished.
struct QueueConsumer: Sendable {
    var queue: WorkQueue
    let redis: RedisClient
    let consumer: String
    let batchSize: Int
    let visibilityTimeout: Duration
    let logger: Logger
    var heartbeat: Heartbeat = .detached
    /// Asked between reads: true ends the loop as graceful shutdown does (a partition this process no longer claims).
    var released: @Sendable () -> Bool = { false }
    /// Whether the end of the read loop reports the heartbeat stopped (not when one of several partitions' loops ends).
    var reportsStop = true

    /// Calls `handle` with each batch until graceful shutdown; `handle` acks what it finished.
    func run(_ handle: @Sendable ([WorkQueue.Entry]) async throws -> Void) async throws {
        try await read(room: { batchSize }, dispatch: handle)
        await handBack()
    }

    /// Keeps up to `window` entries in flight, each handled on its own, and reads more as soon as one finishes:
    /// one slow send no longer holds back a whole batch. On graceful shutdown it stops reading, lets what is in
    /// flight finish, then hands back the rest. `handle` acks what it finished.
    func run(window: Int, _ handle: @escaping @Sendable (WorkQueue.Entry) async -> Void) async throws {
        try await run(slots: WindowSlots(window), handle)
    }

    /// As `run(window:)`, with a window shared with other consumers (one per partition of a channel).
    func run(slots: WindowSlots, _ handle: @escaping @Sendable (WorkQueue.Entry) async -> Void) async throws {
        try await run(slots: slots, filling: 1, prepare: { $0.map { _ in () } }, { entry, _ in await handle(entry) })
    }

    /// As `run(slots:_:)`, with each read's entries first prepared together (`prepare`: one round trip per step for all of
    /// them), then each handled on its own with what its preparation gave. The reader waits for `filling` free slots, so
    /// that a read is a batch while a backlog lasts.
    func run<Prepared: Sendable>(slots: WindowSlots, filling: Int, prepare: @escaping @Sendable ([WorkQueue.Entry]) async -> [Prepared],
                                 _ handle: @escaping @Sendable (WorkQueue.Entry, Prepared) async -> Void) async throws {
        let stream = queue.stream
        try await withThrowingDiscardingTaskGroup { group in
            try await read(room: { await slots.room(max: batchSize, atLeast: filling) }, dispatch: { entries in
                let admitted = await slots.admit(entries, stream: stream)
                guard !admitted.isEmpty else { return }
                group.addTask {
                    let prepared = await prepare(admitted)
                    await withDiscardingTaskGroup { each in
                        for (i, entry) in admitted.enumerated() {
                            each.addTask {
                                // One `prepare` did not answer for stays pending, for the reclaim.
                                if i < prepared.count { await handle(entry, prepared[i]) }
                                await slots.release(entry.id, stream: stream)
                            }
                        }
                    }
                }
            })
        }
        await handBack()
    }

    /// The read loop: own pending entries first, then new ones, with a reclaim now and then, `room()` at a time.
    private func read(room: () async -> Int, dispatch: ([WorkQueue.Entry]) async throws -> Void) async throws {
        try await withRetry { try await queue.ensureGroup() }
        let connection = redis.makeBlockingConnection(name: "\(consumer)-read")
        defer {
            connection.close()
            if reportsStop { heartbeat.stopped() }
        }
        var drainingPending = true
        // Own pending entries are walked once, in id order: one whose handling fails again stays pending for the
        // reclaim, instead of coming back on every read while the others wait.
        var pendingCursor = "0"
        // The first pass reclaims at once: a stopped worker's hand-back waits for no timer.
        var lastReclaim = ContinuousClock.now - visibilityTimeout
        while !Task.isShuttingDownGracefully && !Task.isCancelled && !released() {
            var entries: [WorkQueue.Entry]
            let count = await room()
            do {
                entries = try await queue.read(consumer: consumer, count: count, block: .seconds(1), pending: drainingPending,
                                               after: pendingCursor, on: connection)
                if drainingPending {
                    guard let last = entries.last else {
                        drainingPending = false
                        continue
                    }
                    pendingCursor = last.id
                }
                if ContinuousClock.now - lastReclaim > visibilityTimeout / 2 {
                    lastReclaim = .now
                    entries += try await queue.reclaim(consumer: consumer, minIdle: visibilityTimeout, count: count)
                }
                heartbeat.beat()
            } catch {
                // Redis restarting or unreachable: back off, then read our own pending entries again.
                logger.warning("queue read failed, retrying", metadata: ["stream": "\(queue.stream)", "error": "\(error)"])
                drainingPending = true
                pendingCursor = "0"
                heartbeat.failed()
                try? await Task.sleep(for: .milliseconds(500))
                continue
            }
            guard !entries.isEmpty else { continue }
            do { try await dispatch(entries) } catch {
                // Unacked entries stay pending; reclaim retries them after the visibility timeout,
                // so one that keeps failing does not hold back the ones behind it.
                logger.warning("batch failed; its unacknowledged entries will be retried", metadata: ["stream": "\(queue.stream)", "error": "\(error)"])
                heartbeat.failed()
                try? await Task.sleep(for: .milliseconds(200))
            }
        }
    }

    private func handBack() async {
        // Whatever this consumer still holds (a fan-out part or replay job stopped between pages, an entry whose
        // handling failed) goes back now, for the next reclaim by any consumer.
        do {
            let handed = try await queue.handBack(consumer: consumer, idle: visibilityTimeout)
            if handed > 0 { logger.info("handed back unfinished entries", metadata: ["stream": "\(queue.stream)", "entries": "\(handed)"]) }
        } catch {
            logger.warning("could not hand back unfinished entries; they return after the visibility timeout",
                           metadata: ["stream": "\(queue.stream)", "error": "\(error)"])
        }
    }

    private func withRetry(_ body: () async throws -> Void) async throws {
        while true {
            do { return try await body() } catch {
                if Task.isShuttingDownGracefully || Task.isCancelled { throw error }
                logger.warning("queue set-up failed, retrying", metadata: ["stream": "\(queue.stream)", "error": "\(error)"])
                try await Task.sleep(for: .milliseconds(500))
            }
        }
    }
}
