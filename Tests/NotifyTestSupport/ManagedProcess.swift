import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A child process a test starts and must stop: a redis-server, an SMTP sink, the simulator.
///
/// Output goes to a log file in `workDir` so a failing test can show it.
public final class ManagedProcess: @unchecked Sendable {
    // @unchecked: `process` is set once in init and Process itself is thread-safe for
    // isRunning/terminate/waitUntilExit; nothing else is mutable.
    public let name: String
    public let logURL: URL
    private let process: Process

    /// Starts `executable` with `arguments`; stdout and stderr go to `<workDir>/<name>.log`.
    /// `currentDirectory` defaults to `workDir`.
    public init(name: String, executable: String, arguments: [String], workDir: URL, environment: [String: String]? = nil,
                currentDirectory: URL? = nil) throws {
        self.name = name
        self.logURL = workDir.appendingPathComponent("\(name).log")
        FileManager.default.createFile(atPath: logURL.path, contents: nil)
        let log = try FileHandle(forWritingTo: logURL)
        let process = Process()
        // The test runner's threads block SIGTERM/SIGINT and children inherit that mask, which
        // would turn every graceful stop into a 5 s wait and a SIGKILL: `env` resets them.
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["--default-signal=TERM", "--default-signal=INT", try ManagedProcess.resolve(executable)] + arguments
        process.currentDirectoryURL = currentDirectory ?? workDir
        if let environment { process.environment = environment }
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
        self.process = process
    }

    public var pid: Int32 { process.processIdentifier }
    /// False once the process exited, even while it waits to be reaped (a zombie).
    public var isRunning: Bool { process.isRunning && !Self.isZombie(process.processIdentifier) }

    private static func isZombie(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return true }
        return stat[stat.index(close, offsetBy: 2)] == "Z"
    }

    /// The log so far, for failure messages.
    public var output: String { (try? String(contentsOf: logURL, encoding: .utf8)) ?? "" }

    /// Sends `signal` and waits up to `timeout` seconds for exit, then SIGKILL.
    /// Never blocks past `timeout` plus a second: waiting on Foundation to reap a child can hang.
    public func stop(signal: Int32 = SIGTERM, timeout: Double = 5) {
        guard isRunning else { return }
        kill(process.processIdentifier, signal)
        let deadline = Date().addingTimeInterval(timeout)
        while isRunning && Date() < deadline { usleep(10_000) }
        if isRunning {
            kill(process.processIdentifier, SIGKILL)
            let hard = Date().addingTimeInterval(1)
            while isRunning && Date() < hard { usleep(10_000) }
        }
    }

    deinit { stop(signal: SIGKILL, timeout: 1) }

    /// Finds `name` on PATH unless it is already a path.
    public static func resolve(_ name: String) throws -> String {
        if name.contains("/") { return name }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") {
            let candidate = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        for dir in ["/usr/bin", "/usr/sbin", "/usr/local/bin"] where FileManager.default.isExecutableFile(atPath: "\(dir)/\(name)") {
            return "\(dir)/\(name)"
        }
        throw TestSupportError("\(name) not found on PATH")
    }
}

/// A failure in test set-up, with what went wrong.
public struct TestSupportError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
