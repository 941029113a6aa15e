import NotifyStore
import Synchronization

/// Entities' active callbacks for a couple of seconds, so a burst of changes does not read the same hash each time.
final class CallbackCache: Sendable {
    private let entries = Mutex<[String: (callback: EntityCallback, at: ContinuousClock.Instant)]>([:])
    private let lifetime: Duration = .seconds(2)

    func get(_ entity: String) -> EntityCallback? {
        entries.withLock { e in
            guard let hit = e[entity], ContinuousClock.now - hit.at < lifetime else { return nil }
            return hit.callback
        }
    }

    func put(_ entity: String, _ callback: EntityCallback) { entries.withLock { $0[entity] = (callback, .now) } }

    func forget(_ entity: String) { _ = entries.withLock { $0.removeValue(forKey: entity) } }
}
