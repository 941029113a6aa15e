extension BenchSummary {
    /// Where one process's CPU went in a delivery run (`bench --profile`): perf's samples of its stacks, each share of them
    /// given as a share of the process's CPU per notification.
    struct Profile: Codable, Sendable {
        struct Share: Codable, Sendable, Equatable {
            var name: String
            var percent: Double
            var microseconds: Double
        }

        var samples: Int
        /// The time spent in each module's own code (a Swift module, or a shared object: `libswiftCore`, `kernel`),
        /// most first; the tenth on are summed as `other`.
        var modules: [Share]
        /// The functions that took the most time themselves, most first.
        var functions: [Share]
        /// NotifyMe's functions (the simulator's in its process, Redis's own in Redis) by the time they were on the stack,
        /// with what they called. An async function counts only while one of its parts runs, not while it waits.
        var ownCode: [Share]
    }
}
