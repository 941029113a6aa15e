import Hummingbird
import Redis

/// Liveness and readiness.
struct HealthController {
    let redis: RedisClient

    func register(on router: Router<AppRequestContext>) {
        router.get("/health/live") { _, _ in JSONResponse(.ok, ["status": "live"]) }
        router.get("/health/ready") { _, _ in
            do {
                _ = try await redis.send("PING")
                return JSONResponse(.ok, ["status": "ready", "redis": "ok"])
            } catch {
                return JSONResponse(.serviceUnavailable, ["status": "not ready", "redis": "unreachable"])
            }
        }
    }
}
