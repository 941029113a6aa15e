import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Samples the stacks of a delivery run's processes with `perf record` while the run is timed (`bench --profile`), and
/// reads back where each one's CPU went.
struct BenchProfiler: Sendable {
    /// Samples a second on each core a process runs on: enough for a short run, little added cost.
    static let frequency = 997
    let perf: pid_t
    let data: String
    let log: String
    let pids: [String: pid_t]

    /// Starts perf on `pids` (by label); nil, with the reason printed, when it is not installed. A perf that cannot
    /// sample here (perf_event_paranoid, a container) stops at once, and ``finish(report:)`` says why.
    static func start(_ pids: [String: pid_t], file: String, report: BenchReport) -> BenchProfiler? {
        let log = file + ".log"
        let list = pids.values.sorted().map(String.init).joined(separator: ",")
        let args = ["perf", "record", "--quiet", "-F", "\(frequency)", "-g", "-p", list, "-o", file]
        guard let pid = try? ProcessSpawn.spawn(args, output: log) else {
            report.line("  no profile: perf is not installed (Debian: apt-get install linux-perf)")
            return nil
        }
        ChildRegistry.shared.add(pid)
        return BenchProfiler(perf: pid, data: file, log: log, pids: pids)
    }

    /// Ends the sampling; ``finish(report:)`` reads it. perf is reaped only there: a child's CPU counts in this
    /// process's figures once it is reaped, so that waits until the run's CPU is read.
    func stop() { kill(perf, SIGINT) }

    /// Stops perf and reaps it, reading nothing: the run it sampled failed.
    func cancel() async { _ = await reap() }

    /// Stops perf and waits for it to end; its exit status.
    private func reap() async -> Int32 {
        stop()
        defer { ChildRegistry.shared.remove(perf) }
        return await ProcessSpawn.exitStatus(of: perf)
    }

    /// Waits for perf and folds its stacks by process; empty, with the reason printed, when it left nothing to read.
    func finish(report: BenchReport) async -> [String: ProfileFolder] {
        let recorded = await reap()
        // Stopped by our SIGINT, perf ends with that signal (or 0); anything else is perf's own failure.
        guard recorded == 0 || recorded == 128 + SIGINT else {
            report.line("  no profile: perf cannot sample here: \(Self.firstLine(of: log))")
            return [:]
        }
        let text = data + ".txt"
        let status = try? await ProcessSpawn.run(["perf", "script", "-F", "pid,ip,sym,dso", "-i", data], output: text, errors: log)
        defer { try? FileManager.default.removeItem(atPath: text) }
        guard status == 0, let script = FileManager.default.contents(atPath: text) else {
            report.line("  no profile: perf script failed: \(Self.firstLine(of: log))")
            return [:]
        }
        let labels = Dictionary(pids.map { ($0.value, $0.key) }, uniquingKeysWith: { first, _ in first })
        return ProfileFolder.fold(script, labels: labels)
    }

    private static func firstLine(of path: String) -> String {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").first.map(String.init) ?? "no reason given"
    }
}
