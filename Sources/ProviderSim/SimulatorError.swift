/// A simulator failure: bad credential files, a listener that did not start, or a bad control request.
public struct SimulatorError: Error, CustomStringConvertible, Sendable {
    /// What went wrong.
    public let message: String

    init(_ message: String) { self.message = message }

    public var description: String { "provider simulator: \(message)" }
}
