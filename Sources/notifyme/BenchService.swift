import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// One NotifyMe process the benchmark starts (`run`, or `worker <roles>`), with its log in a file.
final class BenchService: Sendable {
    let name: String
    let pid: pid_t
    let logPath: String

    private init(name: String, pid: pid_t, logPath: String) {
        self.name = name
        self.pid = pid
        self.logPath = logPath
    }

    /// Starts this same executable with `arguments` and the benchmark's configuration.
    static func start(_ arguments: [String], name: String, environment: [String: String], directory: String) throws -> BenchService {
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        let log = "\(directory)/\(name).log"
        let pid = try ProcessSpawn.spawn([executable] + arguments, environment: environment, output: log)
        ChildRegistry.shared.add(pid)
        return BenchService(name: name, pid: pid, logPath: log)
    }

    var isRunning: Bool { ProcessSpawn.isAlive(pid) }

    /// Peak resident memory so far, in bytes (0 once the process is gone).
    var peakMemory: Int { ProcessSpawn.memory(of: pid)?.peak ?? 0 }

    /// The last lines of its log, to explain a failure.
    var logTail: String {
        let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(15).joined(separator: "\n")
    }

    /// Graceful stop (SIGTERM: drain and hand back), then SIGKILL after `grace` seconds.
    func stop(grace: Double = 30) {
        ProcessSpawn.stop(pid, grace: grace)
        ChildRegistry.shared.remove(pid)
    }
}
