import Foundation

/// A value behind a lock, for state shared between a test and the servers it starts.
final class TestLocked<Value: Sendable>: @unchecked Sendable {
    // @unchecked: `value` is only read or written inside `lock`, so access is serialized.
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
