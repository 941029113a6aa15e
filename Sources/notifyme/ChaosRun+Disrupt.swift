import Foundation
import ProviderSim

extension ChaosRun {
    /// Fires the plan's disruptions as the settled share reaches each one's moment; restarts a process that
    /// died on its own (the summary names it). Fails when notifications stop settling before the plan is done.
    func disrupt(fleet: ChaosFleet, progress: ChaosProgress, started: ContinuousClock.Instant) async throws -> [ChaosSummary.Disruption] {
        var done: [ChaosSummary.Disruption] = []
        var deadline = ContinuousClock.now + timeout
        var lastShare = 0.0
        for step in plan.steps {
            var share = await progress.share()
            while share < step.at {
                try await fleet.reviveExited()
                if share > lastShare { lastShare = share; deadline = .now + timeout }
                guard ContinuousClock.now < deadline else {
                    throw CLI.fail(String(format: "notifications stopped settling at %.1f%%, before the planned disruptions were done", share * 100))
                }
                try await Task.sleep(for: .milliseconds(100))
                share = await progress.share()
            }
            let at = (ContinuousClock.now - started).seconds
            switch step.action {
            case .kill(let role, let restartAfter):
                fleet.kill(role)
                let down = ContinuousClock.now
                try await Task.sleep(for: .seconds(restartAfter))
                try await fleet.start(role)
                done.append(.init(kind: "kill", target: role.rawValue, settledShare: share, atSeconds: at, downSeconds: (ContinuousClock.now - down).seconds))
            case .restartRedis:
                guard let redis else { continue }
                redis.crash()
                let down = ContinuousClock.now
                try await Task.sleep(for: .seconds(1))
                try redis.start()
                done.append(.init(kind: "redis-restart", target: "redis-server", settledShare: share, atSeconds: at,
                                  downSeconds: (ContinuousClock.now - down).seconds))
            case .reshard(let slots):
                let began = ContinuousClock.now
                let moved = try await ClusterReshard(redis: stack.redis).run(slots: slots, directory: stack.directory)
                done.append(.init(kind: "reshard", target: moved, settledShare: share, atSeconds: at, downSeconds: (ContinuousClock.now - began).seconds))
            case .outage(let seconds):
                try sim.setBehaviour(ProviderBehaviour(outageWindows: [.init(startMs: 0, durationMs: seconds * 1000)]), for: "gateway")
                done.append(.init(kind: "outage", target: "gateway", settledShare: share, atSeconds: at, downSeconds: Double(seconds)))
            }
        }
        return done
    }
}
