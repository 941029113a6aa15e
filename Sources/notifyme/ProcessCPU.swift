import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// CPU time spent by processes and by the whole machine, from /proc: where a benchmark's time goes.
struct ProcessCPU: Sendable {
    /// Seconds of CPU (user and system) per process, by label; a process's reaped children count too (Redis's AOF
    /// rewrite is a fork).
    var seconds: [String: Double]
    /// Seconds the machine's cores were busy (everything but idle and I/O wait), summed over cores.
    var machineBusy: Double

    /// Reads the processes now; one that is gone (or not on Linux) is left out.
    static func read(_ pids: [String: pid_t]) -> ProcessCPU {
        var seconds: [String: Double] = [:]
        for (label, pid) in pids { seconds[label] = processSeconds(pid) }
        return ProcessCPU(seconds: seconds, machineBusy: machineSeconds() ?? 0)
    }

    /// CPU seconds per process between `earlier` and this reading.
    func since(_ earlier: ProcessCPU) -> ProcessCPU {
        var spent: [String: Double] = [:]
        for (label, now) in seconds { if let before = earlier.seconds[label] { spent[label] = now - before } }
        return ProcessCPU(seconds: spent, machineBusy: machineBusy - earlier.machineBusy)
    }

    private static var ticksPerSecond: Double { Double(max(1, sysconf(Int32(_SC_CLK_TCK)))) }

    private static func processSeconds(_ pid: pid_t) -> Double? {
        // Fields after the command name, which may hold spaces: state is 3rd, utime 14th, stime 15th, cutime 16th, cstime 17th.
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 14 else { return nil }
        let ticks = fields[11...14].compactMap { Double($0) }.reduce(0, +)
        return ticks / ticksPerSecond
    }

    private static func machineSeconds() -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/stat", encoding: .utf8), let line = stat.split(separator: "\n").first else { return nil }
        // cpu user nice system idle iowait irq softirq steal ...
        let values = line.split(separator: " ").dropFirst().compactMap { Double($0) }
        guard values.count >= 5 else { return nil }
        return (values.reduce(0, +) - values[3] - values[4]) / ticksPerSecond
    }
}
