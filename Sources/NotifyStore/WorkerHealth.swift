import Foundation

/// What this process's workers last said about themselves, for `GET /health/ready`.
///
/// Each worker beats as its loop turns, counts failures in a row, and says when it stops. The process is ready
/// while every worker is running: none stopped (shutting down, or ended by an error), none failing three times
/// in a row, none silent for longer than `staleAfter` (stuck).
public final class WorkerHealth: @unchecked Sendable {
    // @unchecked: `workers` is only read or written while `lock` is held.
    private let lock = NSLock()
    private var workers: [String: Record] = [:]
    public let staleAfter: Duration

    struct Record {
        var lastBeat: ContinuousClock.Instant
        var failuresInARow = 0
        var stopped = false
    }

    /// One worker's state as the health endpoint shows it.
    public struct Report: Sendable, Equatable {
        public enum State: String, Sendable { case running, failing, stalled, stopped }
        public let name: String
        public let state: State
        /// Seconds since the worker last beat.
        public let silentFor: Double
    }

    public init(staleAfter: Duration = .seconds(300)) {
        self.staleAfter = staleAfter
    }

    /// Registers a worker (as running) and returns the handle it beats through.
    public func heartbeat(_ name: String) -> Heartbeat {
        update(name) { $0 = Record(lastBeat: .now) }
        return Heartbeat(health: self, name: name)
    }

    /// Every registered worker, by name.
    public func report(now: ContinuousClock.Instant = .now) -> [Report] {
        lock.withLock { workers.map { ($0.key, $0.value) } }.sorted { $0.0 < $1.0 }.map { name, r in
            let silent = now - r.lastBeat
            let state: Report.State = r.stopped ? .stopped : r.failuresInARow >= 3 ? .failing : silent > staleAfter ? .stalled : .running
            return Report(name: name, state: state, silentFor: Double(silent.components.seconds) + Double(silent.components.attoseconds) / 1e18)
        }
    }

    func update(_ name: String, _ change: (inout Record) -> Void) {
        lock.withLock {
            var record = workers[name] ?? Record(lastBeat: .now)
            change(&record)
            workers[name] = record
        }
    }
}

/// A worker's line to ``WorkerHealth``; `.detached` reports nowhere.
public struct Heartbeat: Sendable {
    let health: WorkerHealth?
    let name: String

    public static let detached = Heartbeat(health: nil, name: "")

    /// The loop turned and its work succeeded.
    public func beat() {
        health?.update(name) {
            $0.lastBeat = .now
            $0.failuresInARow = 0
        }
    }

    /// The loop turned but its work failed (Redis unreachable, a batch that threw).
    public func failed() {
        health?.update(name) {
            $0.lastBeat = .now
            $0.failuresInARow += 1
        }
    }

    /// The worker's run has ended.
    public func stopped() {
        health?.update(name) { $0.stopped = true }
    }
}
