import Foundation
import Logging
import NotifyConfig
import NotifyCore
import NotifyStore
import Redis
import ServiceLifecycle
import Transport

/// The workers one process runs, built from configuration.
public enum WorkerSet {
    public static func make(config: NotifyConfiguration, redis: RedisClient, catalogue: EventCatalogue, templates: TemplateSet,
                            cipher: FieldCipher, transport: CurlTransport, logger: Logger) throws -> [any Service] {
        let contacts = ContactStore(redis: redis, cipher: cipher)
        let host = ProcessInfo.processInfo.hostName
        let pid = ProcessInfo.processInfo.processIdentifier
        var services: [any Service] = []
        for i in 0..<config.workers.fanoutConcurrency {
            services.append(FanoutWorker(
                redis: redis, contacts: contacts, catalogue: catalogue, templates: templates, consumerName: "fanout-\(host)-\(pid)-\(i)",
                batchSize: config.workers.fanoutBatchSize, visibilityTimeout: config.workers.visibilityTimeout,
                logger: logger.with("worker", "fanout")
            ))
        }
        let sender: any EmailSender = config.email.smtpURL.isEmpty
            ? try OutboxEmailSender(directory: config.outboxDir)
            : SMTPEmailSender(transport: transport, server: SMTPServer(
                url: config.email.smtpURL, username: config.email.username.isEmpty ? nil : config.email.username,
                password: config.email.password.isEmpty ? nil : config.email.password,
                startTLS: config.email.startTLS, timeout: config.email.timeout))
        services.append(EmailWorker(
            redis: redis, contacts: contacts, sender: sender, fromHeader: config.email.from, consumerName: "email-\(host)-\(pid)",
            concurrency: config.workers.emailConcurrency, maxAttempts: config.workers.maxAttempts,
            visibilityTimeout: config.workers.visibilityTimeout, logger: logger.with("worker", "email")
        ))
        return services
    }
}

extension Logger {
    func with(_ key: String, _ value: String) -> Logger {
        var copy = self
        copy[metadataKey: key] = "\(value)"
        return copy
    }
}
