import Redis

/// Figures from `INFO`: how many commands the server has run, its memory, and its CPU time (summed over a cluster's masters).
struct RedisInfo: Sendable {
    let commandsProcessed: Int
    let usedMemory: Int
    let usedMemoryPeak: Int
    /// CPU seconds, user and system, of the server and of the children it reaped (its AOF rewrites).
    let cpuSeconds: Double
    /// The children's share of `cpuSeconds`.
    let rewriteCPUSeconds: Double
    /// AOF rewrites started since the server started.
    let aofRewrites: Int
    /// `INFO commandstats`: calls and microseconds by command name (lowercase, as Redis names them).
    var commands: [String: CommandStat] = [:]
    /// Servers that answered: one, or a cluster's masters.
    var servers = 1

    static func read(_ redis: RedisClient) async throws -> RedisInfo {
        var fields: [Substring: Double] = [:]
        var commands: [String: CommandStat] = [:]
        let replies = try await redis.sendToEachNode(RedisCommand("INFO", "all"))
        for reply in replies {
            let text = reply.string ?? ""
            for line in text.split(whereSeparator: \.isNewline) {
                guard let colon = line.firstIndex(of: ":") else { continue }
                if line.hasPrefix(CommandStat.prefix), let stat = CommandStat(line[line.index(after: colon)...]) {
                    commands[String(line[..<colon].dropFirst(CommandStat.prefix.count)), default: CommandStat()].add(stat)
                } else if let value = Double(line[line.index(after: colon)...]) {
                    fields[line[..<colon], default: 0] += value
                }
            }
        }
        let count = { (name: Substring) in Int(fields[name] ?? 0) }
        let children = (fields["used_cpu_user_children"] ?? 0) + (fields["used_cpu_sys_children"] ?? 0)
        return RedisInfo(commandsProcessed: count("total_commands_processed"), usedMemory: count("used_memory"),
                         usedMemoryPeak: count("used_memory_peak"),
                         cpuSeconds: (fields["used_cpu_user"] ?? 0) + (fields["used_cpu_sys"] ?? 0) + children,
                         rewriteCPUSeconds: children, aofRewrites: count("aof_rewrites"), commands: commands, servers: max(1, replies.count))
    }
}
