import Foundation

extension Bench {
    /// Prints a profiled run's figures: for each process, its time by module, the functions that took the most
    /// themselves, and its own code with what that called.
    static func reportProfile(_ profile: [String: BenchSummary.Profile], report: BenchReport) {
        func list(_ shares: [BenchSummary.Profile.Share]) -> String {
            shares.map { "\($0.name) \(BenchReport.number($0.microseconds, 1)) µs" }.joined(separator: ", ")
        }
        for name in BenchSummary.processes {
            guard let p = profile[name] else { continue }
            report.line("  profile of \(name) (perf, \(BenchReport.number(Double(p.samples))) samples at \(BenchProfiler.frequency) a second), µs per notification: "
                + "by module \(list(p.modules))")
            report.line("    its own code, with what it called: \(list(p.ownCode))")
            report.line("    functions alone: \(list(p.functions))")
        }
    }
}
