import Metrics
import NotifyAPI
import NotifyConfig
import Prometheus
import Redis

extension CLI {
    /// Catalogue, templates, identity keys and cipher, or exit 78 naming what is wrong; metrics go to a
    /// Prometheus registry that GET /metrics serves.
    static func dependencies(_ config: NotifyConfiguration, redis: RedisClient) async throws -> APIDependencies {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory.notifyMe(registry: registry))
        do { return try await APIDependencies.make(config: config, redis: redis, metrics: registry) } catch let error as ConfigError {
            throw fail("\(error)", code: 78)
        }
    }
}
