import Foundation
import NotifyTestSupport

/// Runs the built `notifyme` executable the way a person or script would.
struct NotifymeBinary {
    static var path: String {
        let root = TestEnvironment.root
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("notifyme").path,
            "\(root)/.build/debug/notifyme",
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[1]
    }

    /// Runs a short command to completion off the cooperative pool; returns exit code, stdout and stderr.
    static func run(_ args: [String], env: [String: String]) async throws -> (code: Int32, out: String, err: String) {
        try await OffPool.run { try runBlocking(args, env: env) }
    }

    private static func runBlocking(_ args: [String], env: [String: String]) throws -> (code: Int32, out: String, err: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = args
        p.currentDirectoryURL = URL(fileURLWithPath: TestEnvironment.root)
        p.environment = ProcessInfo.processInfo.environment.merging(env) { $1 }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        // Both pipes drain at once: a child that fills one while the other is being read would wait for ever.
        let e = ErrorCollector()
        let done = DispatchSemaphore(value: 0)
        Thread {
            e.data = err.fileHandleForReading.readDataToEndOfFile()
            done.signal()
        }.start()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        done.wait()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e.data, as: UTF8.self))
    }

    /// Starts `notifyme run` in the background.
    static func start(env: [String: String], workDir: URL) throws -> ManagedProcess {
        try ManagedProcess(name: "notifyme", executable: path, arguments: ["run"], workDir: workDir,
                           environment: ProcessInfo.processInfo.environment.merging(env) { $1 },
                           currentDirectory: URL(fileURLWithPath: TestEnvironment.root))
    }

    /// Pids of processes whose command line mentions `needle` (to find stray children).
    static func processes(mentioning needle: String) -> [Int32] {
        let fm = FileManager.default
        return ((try? fm.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap { entry -> Int32? in
            guard let pid = Int32(entry), let data = fm.contents(atPath: "/proc/\(entry)/cmdline") else { return nil }
            let cmd = String(decoding: data.map { $0 == 0 ? 32 : $0 }, as: UTF8.self)
            return cmd.contains(needle) ? pid : nil
        }
    }
}

/// What a child wrote to stderr, filled by one reader thread and read after it signals.
private final class ErrorCollector: @unchecked Sendable {
    // @unchecked: written once by the reader thread before it signals the semaphore the caller waits on.
    var data = Data()
}
