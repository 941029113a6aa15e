import Redis

/// Figures from `INFO`: how many commands the server has run, and its memory (summed over a cluster's masters).
struct RedisInfo: Sendable {
    let commandsProcessed: Int
    let usedMemory: Int
    let usedMemoryPeak: Int

    static func read(_ redis: RedisClient) async throws -> RedisInfo {
        var fields: [Substring: Int] = [:]
        for reply in try await redis.sendToEachNode(RedisCommand("INFO", "all")) {
            let text = reply.string ?? ""
            for line in text.split(whereSeparator: \.isNewline) {
                guard let colon = line.firstIndex(of: ":") else { continue }
                if let value = Int(line[line.index(after: colon)...]) { fields[line[..<colon], default: 0] += value }
            }
        }
        return RedisInfo(commandsProcessed: fields["total_commands_processed"] ?? 0, usedMemory: fields["used_memory"] ?? 0,
                         usedMemoryPeak: fields["used_memory_peak"] ?? 0)
    }
}
