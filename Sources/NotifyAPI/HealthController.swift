import Hummingbird
import NotifyStore
import Redis

/// Liveness and readiness.
struct HealthController {
    let redis: RedisClient
    let workers: WorkerHealth

    /// What GET /health/ready answers: 200 only when Redis answers and every worker of this process is running.
    struct Readiness: Encodable, Sendable {
        struct Worker: Encodable, Sendable {
            let state: String
            let silentForSeconds: Double
        }
        let status: String
        let redis: String
        let workers: [String: Worker]
    }

    func register(on router: Router<AppRequestContext>) {
        router.get("/health/live") { _, _ in JSONResponse(.ok, ["status": "live"]) }
        router.get("/health/ready") { _, _ in
            let redisUp = (try? await redis.send("PING")) != nil
            let reports = workers.report()
            let ready = redisUp && reports.allSatisfy { $0.state == .running }
            let body = Readiness(
                status: ready ? "ready" : "not ready", redis: redisUp ? "ok" : "unreachable",
                workers: Dictionary(uniqueKeysWithValues: reports.map {
                    ($0.name, Readiness.Worker(state: $0.state.rawValue, silentForSeconds: ($0.silentFor * 10).rounded() / 10))
                })
            )
            return JSONResponse(ready ? .ok : .serviceUnavailable, body)
        }
    }
}
