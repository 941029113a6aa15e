import Foundation
import Logging
import NotifyConfig
import Redis

/// Shared start-up steps of the subcommands.
enum CLI {
    /// The configuration, or exit 78 (EX_CONFIG) with a message naming the key.
    static func loadConfiguration() throws -> NotifyConfiguration {
        let config: NotifyConfiguration
        do { config = try NotifyConfiguration.load() } catch {
            FileHandle.standardError.write(Data("notifyme: \(error)\n".utf8))
            throw ExitCode(78)
        }
        // The scheme alone is checked with the rest; the whole URL here, so `a:1,,b:2` is a configuration error too.
        if !config.usesEmbeddedRedis {
            do { _ = try RedisConfiguration(url: config.redis.url) } catch let error as RedisError {
                FileHandle.standardError.write(Data("notifyme: configuration key 'redis.url' is not a usable Redis URL: \(error.message)\n".utf8))
                throw ExitCode(78)
            }
        }
        return config
    }

    /// Logs go to stderr so stdout carries only what a command prints for scripts: JSON lines, or text on a terminal.
    static func bootstrapLogging(level: String, format: NotifyConfiguration.LogFormat = .auto) -> Logger {
        let lvl = Logger.Level(rawValue: level) ?? .info
        let json = format == .json || (format == .auto && isatty(STDERR_FILENO) == 0)
        LoggingSystem.bootstrap { label in
            if json {
                var handler = JSONLogHandler(label: label)
                handler.logLevel = lvl
                return handler
            }
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = lvl
            return handler
        }
        return Logger(label: "notifyme")
    }

    static func redisConfiguration(_ config: NotifyConfiguration) throws -> RedisConfiguration {
        try RedisConfiguration(url: config.effectiveRedisURL, connectTimeout: config.redis.connectTimeout,
                               commandTimeout: config.redis.commandTimeout)
    }

    /// A client for the shared Redis that `worker` and `api` need (they start none of their own); exit 64 without one.
    static func sharedRedis(_ config: NotifyConfiguration, logger: Logger, for role: String) throws -> RedisClient {
        guard !config.usesEmbeddedRedis else {
            throw fail("\(role) needs a shared Redis: set NOTIFYME_REDIS_URL or redis.url (or use `notifyme run`)", code: 64)
        }
        return RedisClient(configuration: try redisConfiguration(config), poolSize: config.redis.poolSize, logger: logger)
    }

    /// Runs `body` against the configured Redis; with the embedded one, starts it for the command if `run` is not up.
    static func withRedis<T>(_ config: NotifyConfiguration, logger: Logger, _ body: (RedisClient) async throws -> T) async throws -> T {
        let embedded = config.usesEmbeddedRedis ? try EmbeddedRedis.start(config: config, logger: logger, exclusive: false) : nil
        defer { embedded?.stop() }
        let redis = RedisClient(configuration: try redisConfiguration(config), poolSize: 1, logger: logger)
        defer { redis.close() }
        return try await body(redis)
    }

    static func fail(_ message: String, code: Int32 = 1) -> ExitCode {
        FileHandle.standardError.write(Data("notifyme: \(message)\n".utf8))
        return ExitCode(code)
    }
}

import ArgumentParser
