extension RedisInfo {
    /// One command's line of `INFO commandstats`: `cmdstat_<name>:calls=<n>,usec=<n>,...`.
    struct CommandStat: Sendable, Equatable {
        static let prefix = "cmdstat_"

        var calls = 0
        var microseconds = 0

        init() {}

        /// The fields after the colon; nil when `calls` or `usec` is missing.
        init?(_ text: Substring) {
            var calls: Int?, usec: Int?
            for pair in text.split(separator: ",") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard parts.count == 2 else { continue }
                if parts[0] == "calls" { calls = Int(parts[1]) } else if parts[0] == "usec" { usec = Int(parts[1]) }
            }
            guard let calls, let usec else { return nil }
            self.calls = calls
            self.microseconds = usec
        }

        mutating func add(_ other: CommandStat) {
            calls += other.calls
            microseconds += other.microseconds
        }
    }

    /// Redis's time in each command since `before`, per notification of `count`, most first. A command a script runs
    /// counts in its own line and in the script's (EVALSHA's time includes it).
    func commandCosts(since before: RedisInfo, per count: Int) -> [BenchSummary.CommandCost] {
        let n = Double(max(1, count))
        return commands.compactMap { name, stat -> BenchSummary.CommandCost? in
            let earlier = before.commands[name] ?? CommandStat()
            let spent = stat.microseconds - earlier.microseconds
            guard spent > 0, !name.hasPrefix("info"), !name.hasPrefix("config") else { return nil }
            return BenchSummary.CommandCost(command: name.uppercased(), calls: Double(stat.calls - earlier.calls) / n, microseconds: Double(spent) / n)
        }.sorted { $0.microseconds > $1.microseconds }
    }

    /// The first `limit` of `costs` as one report line's text: `EVALSHA 45.8 µs in 3.5 calls, HSET 12.1 µs in 5.5, ...`.
    static func describe(_ costs: [BenchSummary.CommandCost], limit: Int = 6) -> String {
        costs.prefix(limit).enumerated().map { i, c in
            "\(c.command) \(BenchReport.number(c.microseconds, 1)) µs in \(BenchReport.number(c.calls, 1))\(i == 0 ? " calls" : "")"
        }.joined(separator: ", ")
    }
}
