import Foundation
import Logging
import NotifyCore
import NotifyStore
import Redis
import ServiceLifecycle
import Synchronization
import Transport

/// Posts status changes to entities' callback URLs, signed, off the delivery path: delivery only appends
/// to the callbacks stream, so a slow or failing entity never slows a send.
public struct CallbackWorker: Service {
    let consumer: QueueConsumer
    let queue: CallbackQueue
    let store: CallbackStore
    let transport: CurlTransport
    let settings: CallbackSettings
    let cache: CallbackCache
    let logger: Logger

    public init(redis: RedisClient, cipher: FieldCipher, transport: CurlTransport, settings: CallbackSettings, consumerName: String,
                visibilityTimeout: Duration, heartbeat: Heartbeat = .detached, logger: Logger) {
        queue = CallbackQueue(redis: redis)
        store = CallbackStore(redis: redis, cipher: cipher)
        consumer = QueueConsumer(queue: queue.queue, redis: redis, consumer: consumerName, batchSize: settings.concurrency,
                                 visibilityTimeout: visibilityTimeout, logger: logger, heartbeat: heartbeat)
        self.transport = transport
        self.settings = settings
        cache = CallbackCache()
        self.logger = logger
    }

    public func run() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await moveDueRetries() }
            group.addTask {
                try await consumer.run { entries in
                    await withTaskGroup(of: Void.self) { posts in
                        for entry in entries { posts.addTask { await handle(entry) } }
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    private func moveDueRetries() async {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do { while try await queue.moveDue() == 500 {} } catch {
                logger.warning("moving due callback retries failed; trying again", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: .milliseconds(250))
        }
    }

    /// Posts one change, or holds it, or schedules its retry; acks it unless Redis failed (then it comes back).
    private func handle(_ entry: WorkQueue.Entry) async {
        do {
            if let payload = CallbackQueue.payload(entry) { try await deliver(payload) }
            try await consumer.queue.ack([entry.id])
        } catch {
            logger.warning("callback handling failed; it will be retried", metadata: ["entry": "\(entry.id)", "error": "\(error)"])
        }
    }

    func deliver(_ payload: CallbackPayload) async throws {
        guard let callback = try await config(payload.entity) else { return }  // the entity removed its callback
        if callback.suspended {
            try await store.park(entity: payload.entity, payload)
            return
        }
        let problem = await post(payload, to: callback)
        guard let problem else {
            if callback.consecutiveFailures > 0 {
                try await store.succeeded(entity: payload.entity)
                cache.forget(payload.entity)
            }
            return
        }
        let suspended = try await store.failed(entity: payload.entity, error: problem, suspendAfter: settings.suspendAfter)
        cache.forget(payload.entity)
        var next = payload
        next.attempt += 1
        if suspended || next.attempt >= settings.maxAttempts {
            try await store.park(entity: payload.entity, next)
            if suspended { logger.warning("entity callback suspended after repeated failures", metadata: ["entity": "\(payload.entity)"]) }
        } else {
            try await queue.retry(next, after: settings.backoff.delay(attempt: next.attempt))
        }
    }

    /// nil when the entity answered 2xx; else what went wrong (never the URL's path or the body).
    private func post(_ payload: CallbackPayload, to callback: EntityCallback) async -> String? {
        do {
            let body = Array(try JSONCoding.encoder.encode(payload.body))
            let signature = TimestampedSignature.sign(secret: callback.secret, timestamp: Int(Date().timeIntervalSince1970), body: body)
            let response = try await transport.execute(HTTPRequest(
                method: "POST", url: callback.url,
                headers: [HTTPHeader(name: "Content-Type", value: "application/json"), HTTPHeader(name: "X-NotifyMe-Signature", value: signature)],
                body: body, timeout: settings.timeout, connectTimeout: min(settings.timeout, .seconds(3)), httpVersion: .http1_1))
            return (200..<300).contains(response.status) ? nil : "status \(response.status)"
        } catch {
            return "\(error)".prefix(200).description
        }
    }

    /// Active callbacks are cached briefly; a suspended one is always read again, so a resume takes effect at once.
    private func config(_ entity: String) async throws -> EntityCallback? {
        if let cached = cache.get(entity) { return cached }
        let callback = try await store.get(entity: entity)
        if let callback, !callback.suspended { cache.put(entity, callback) }
        return callback
    }
}
