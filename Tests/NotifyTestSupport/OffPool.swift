import Foundation

/// Runs blocking test work (waiting for a process, reading a pipe) on its own thread.
///
/// On a 2-core machine Swift's cooperative pool has two threads; a test that blocks them
/// starves the very workers it is waiting for.
public enum OffPool {
    public static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread { continuation.resume(with: Result { try body() }) }
            thread.start()
        }
    }
}
