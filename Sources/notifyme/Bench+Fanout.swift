import Foundation
import NotifyCore
import NotifyStore
import Redis

extension Bench {
    /// Publishes one alert to the fan-out cohort's topic straight onto the event stream, with only fan-out workers
    /// running, and times it until every notification is queued; what the queued notifications weigh in Redis
    /// follows from its memory before and after.
    static func fanout(residents: Int, stack: BenchStack, worker: BenchService, report: BenchReport) async throws -> BenchSummary.Fanout {
        let before = try await RedisInfo.read(stack.redis)
        let event = Event(id: Digest.randomID(prefix: "evt_"), type: "emergency.alert", entity: entity, topic: BenchCohort.fanout.topic,
                          data: ["area": .string("Bench"), "message": .string("Benchmark fan-out")], priority: .urgent, createdAt: Date())
        let started = ContinuousClock.now
        try await EventStore(redis: stack.redis).publish(event)
        let bar = ProgressBar()
        let deadline = started + .seconds(max(300, residents / 1000))
        var queued = 0
        while true {
            let fields = try await EventStore(redis: stack.redis).summary(event.id) ?? [:]
            queued = fields["count:queued"].flatMap(Int.init) ?? 0
            let suppressed = fields["count:suppressed"].flatMap(Int.init) ?? 0
            bar.show(done: queued + suppressed, total: residents, note: "fanned out")
            if fields["status"] == "dispatched" { break }
            guard ContinuousClock.now < deadline, worker.isRunning else {
                bar.finish()
                throw CLI.fail("fan-out did not finish: \(queued) of \(residents) queued; worker log:\n\(worker.logTail)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        bar.finish()
        let seconds = (ContinuousClock.now - started).seconds
        let after = try await RedisInfo.read(stack.redis)
        let perMillion = 1_000_000 / Double(max(1, queued))
        var figures = BenchSummary.Fanout(
            residents: residents, queued: queued, seconds: seconds, perSecond: Double(queued) / seconds,
            redisCommandsPerNotification: Double(after.commandsProcessed - before.commandsProcessed) / Double(max(1, queued)),
            redisBytesPerMillionQueued: Double(after.usedMemory - before.usedMemory) * perMillion,
            workerPeakBytes: worker.peakMemory)
        figures.redisCommandCosts = after.commandCosts(since: before, per: queued)
        report.line("fan-out of a \(BenchReport.number(Double(residents)))-resident topic: \(BenchReport.number(seconds, 2)) s = "
            + "\(BenchReport.number(figures.perSecond)) notifications per second, \(BenchReport.number(figures.redisCommandsPerNotification, 1)) Redis commands each")
        report.line("  Redis time per notification by command (a script's commands count in its line too): "
            + RedisInfo.describe(figures.redisCommandCosts))
        report.line("queued notifications in Redis: \(BenchReport.bytes(figures.redisBytesPerMillionQueued)) per million; "
            + "fan-out worker peak \(BenchReport.bytes(Double(figures.workerPeakBytes)))")
        return figures
    }
}
