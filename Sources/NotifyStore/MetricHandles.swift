import Metrics
import Synchronization

/// Metric handles made once per set of dimensions. Making a `Counter` or `Timer` asks the metrics factory to find it by
/// label and dimensions (a lock, a dictionary keyed by strings, new arrays), which every status move and provider call
/// paid. Nothing is kept while the metrics system is not bootstrapped: a handle made then would stay a no-op after.
public final class MetricHandles<Key: Hashable & Sendable, Handle: Sendable>: Sendable {
    private let handles = Mutex<[Key: Handle]>([:])
    private let make: @Sendable (Key) -> Handle

    /// `make` builds the handle for a key the first time it is asked for.
    public init(_ make: @escaping @Sendable (Key) -> Handle) {
        self.make = make
    }

    /// The handle for `key`, made now if it is not kept yet. Two callers that miss at once both make one; the factory
    /// gives both the same metric, so no count is lost.
    public subscript(_ key: Key) -> Handle {
        if let kept = handles.withLock({ $0[key] }) { return kept }
        let handle = make(key)
        if !(MetricsSystem.factory is NOOPMetricsHandler) { handles.withLock { $0[key] = handle } }
        return handle
    }
}
