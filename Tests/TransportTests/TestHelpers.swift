import Dispatch
import Foundation

/// Prints a figure for the report with a recognisable prefix.
func figure(_ text: String) {
    print("[transport-figures] \(text)")
}

/// Runs blocking set-up work (starting a child process, polling a folder, waiting for a
/// subprocess) on a GCD thread so it never blocks Swift's cooperative pool, which the
/// transport's continuations and the other tests need.
func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async {
            continuation.resume(with: Result { try body() })
        }
    }
}

/// Decoded text with LF line endings and no trailing line break, for comparing mail parts.
func normalized(_ text: String) -> String {
    var result = text.replacingOccurrences(of: "\r\n", with: "\n")
    while result.hasSuffix("\n") { result.removeLast() }
    return result
}

extension Duration {
    var seconds: Double {
        let (s, a) = components
        return Double(s) + Double(a) / 1e18
    }
}
