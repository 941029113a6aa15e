import Foundation
import Redis

extension Bench {
    /// Waits until Redis goes quiet after a run (what the accepted sends set going, receipts above all, may outlast the
    /// timed window), then gives the run's cost with that tail: nil when Redis stays busy for 30 s.
    static func tail(after window: RedisInfo, since before: RedisInfo, cpuBefore: ProcessCPU, pids: [String: pid_t], expected: Int,
                     redis: RedisClient) async throws -> BenchSummary.Tail? {
        let started = ContinuousClock.now
        // Idle workers still poll their queues and sweep now and then: a few commands a second. Quiet twice running, as
        // the last receipts come a receipt delay (200 ms) after the last acceptance.
        let quiet = max(50, expected / 500)
        var last = window, quietBefore = false
        while ContinuousClock.now - started < .seconds(30) {
            try await Task.sleep(for: .milliseconds(250))
            let now = try await RedisInfo.read(redis)
            defer { last = now }
            let isQuiet = now.commandsProcessed - last.commandsProcessed < quiet
            defer { quietBefore = isQuiet }
            guard isQuiet && quietBefore else { continue }
            var spent = ProcessCPU.read(pids).since(cpuBefore).seconds
            spent["redis"] = now.cpuSeconds - before.cpuSeconds
            spent["redisAOFRewrites"] = now.rewriteCPUSeconds - before.rewriteCPUSeconds
            let each = Double(max(1, expected))
            var tail = BenchSummary.Tail(seconds: (ContinuousClock.now - started).seconds,
                                         redisCommandsPerNotification: Double(now.commandsProcessed - before.commandsProcessed) / each,
                                         cpuMicrosecondsPerNotification: spent.mapValues { $0 * 1e6 / each })
            // What the cost alone allows, whatever the scheduling: sustained, a rate passes these only by costing less (a
            // short run can, by leaving its receipts to after the window). A rewrite is a forked child on another core: it
            // takes from the cores, not from the thread that serves commands.
            if tail.cpuMicroseconds > 0 { tail.ceilingPerSecond = Double(ProcessInfo.processInfo.activeProcessorCount) * 1e6 / tail.cpuMicroseconds }
            let serving = (spent["redis"] ?? 0) - (spent["redisAOFRewrites"] ?? 0)
            if serving > 0 { tail.redisCeilingPerSecond = Double(now.servers) * each / serving }
            return tail
        }
        return nil
    }
}
