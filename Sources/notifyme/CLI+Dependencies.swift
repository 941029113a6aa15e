import NotifyAPI
import NotifyConfig
import Redis

extension CLI {
    /// Catalogue, templates, identity keys and cipher, or exit 78 naming what is wrong.
    static func dependencies(_ config: NotifyConfiguration, redis: RedisClient) async throws -> APIDependencies {
        do { return try await APIDependencies.make(config: config, redis: redis) } catch let error as ConfigError {
            throw fail("\(error)", code: 78)
        }
    }
}
