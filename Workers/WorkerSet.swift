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
                            cipher: FieldCipher, transport: CurlTransport, roles: Set<WorkerRole> = Set(WorkerRole.allCases),
                            health: WorkerHealth? = nil, logger: Logger) throws -> [any Service] {
        func heartbeat(_ name: String) -> Heartbeat { health?.heartbeat(name) ?? .detached }
        let contacts = ContactStore(redis: redis, cipher: cipher)
        let devices = DeviceStore(redis: redis, cipher: cipher)
        let host = ProcessInfo.processInfo.hostName
        let pid = ProcessInfo.processInfo.processIdentifier
        var services: [any Service] = []
        for i in 0..<(roles.contains(.fanout) ? config.workers.fanoutConcurrency : 0) {
            services.append(FanoutWorker(
                redis: redis, contacts: contacts, devices: devices, catalogue: catalogue, templates: templates,
                consumerName: "fanout-\(host)-\(pid)-\(i)", batchSize: config.workers.fanoutBatchSize,
                visibilityTimeout: config.workers.visibilityTimeout, retention: config.notifications.retention,
                partitions: config.workers.partitions, heartbeat: heartbeat("fanout-\(i)"), logger: logger.with("worker", "fanout")
            ))
        }
        let factory = ProviderFactory(config: config, transport: transport)
        let settings = DeliverySettings(maxAttempts: config.workers.maxAttempts,
                                        backoff: Backoff(base: config.providers.retry.base, cap: config.providers.retry.cap),
                                        lease: config.workers.visibilityTimeout, receiptTimeout: config.notifications.receiptTimeout)
        let links = UnsubscribeLinks(cipher: cipher, baseURL: config.publicURL)
        let concurrency: [Channel: Int] = [.sms: config.workers.smsConcurrency, .email: config.workers.emailConcurrency,
                                           .push: config.workers.pushConcurrency]
        for channel in Channel.allCases where WorkerRole(rawValue: channel.rawValue).map(roles.contains) ?? false {
            guard let pools = try factory.pools(for: channel) else {
                logger.warning("no provider configured; this channel's notifications wait in its queue", metadata: ["channel": "\(channel.rawValue)"])
                continue
            }
            services.append(ChannelWorker(
                channel: channel, redis: redis, cipher: cipher, catalogue: catalogue, templates: templates, pools: pools,
                settings: settings, concurrency: concurrency[channel] ?? 16, consumerName: "\(channel.rawValue)-\(host)-\(pid)",
                partitions: config.workers.partitions, unsubscribeLinks: links, heartbeat: heartbeat(channel.rawValue), logger: logger.with("worker", channel.rawValue)
            ))
        }
        if roles.contains(.callbacks) {
            let c = config.callbacks
            services.append(CallbackWorker(
                redis: redis, cipher: cipher, transport: transport,
                settings: CallbackSettings(concurrency: c.concurrency, timeout: c.timeout, maxAttempts: c.maxAttempts, suspendAfter: c.suspendAfter,
                                           backoff: Backoff(base: c.retryBase, cap: c.retryCap)),
                consumerName: "callbacks-\(host)-\(pid)", visibilityTimeout: config.workers.visibilityTimeout, heartbeat: heartbeat("callbacks"),
                logger: logger.with("worker", "callbacks")
            ))
        }
        if roles.contains(.scheduler) {
            services.append(RetryScheduler(redis: redis, partitions: config.workers.partitions, heartbeat: heartbeat("scheduler.retries"), logger: logger.with("worker", "scheduler")))
            services.append(EventScheduler(redis: redis, heartbeat: heartbeat("scheduler.events"), logger: logger.with("worker", "event-scheduler")))
            services.append(ReceiptExpiry(redis: redis, heartbeat: heartbeat("scheduler.receipts"), logger: logger.with("worker", "receipt-expiry")))
        }
        if roles.contains(.replays) {
            services.append(ReplayWorker(redis: redis, replay: FailureReplay(redis: redis, cipher: cipher, catalogue: catalogue, templates: templates,
                                                                             partitions: config.workers.partitions),
                                         consumerName: "replays-\(host)-\(pid)", heartbeat: heartbeat("replays"), logger: logger.with("worker", "replays")))
        }
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
