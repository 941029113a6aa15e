import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import Synchronization

/// A small HTTP server on loopback standing in for a webhook target (NotifyMe's receipt endpoint for the
/// simulator, an entity's callback URL for NotifyMe): it records every POST and answers as told.
public final class WebhookReceiver: Sendable {
    public struct Received: Sendable {
        public let path: String
        public let query: String
        /// Header names lower-cased.
        public let headers: [String: String]
        public let body: [UInt8]
        public var text: String { String(decoding: body, as: UTF8.self) }
    }

    private let received = Mutex<[Received]>([])
    private let port = Mutex<Int?>(nil)
    /// Requests still to refuse with a 500 (to show the sender retries).
    public let failuresLeft = Mutex(0)
    /// When set, every request is refused with this status (a target that keeps failing).
    public let refuseAll = Mutex<Int?>(nil)
    /// How long to wait before answering (a slow target).
    public let delay = Mutex(Duration.zero)

    /// `http://127.0.0.1:PORT` once listening.
    public var baseURL: String { "http://127.0.0.1:\(port.withLock { $0 } ?? 0)" }

    public var all: [Received] { received.withLock { $0 } }

    /// Runs a receiver for the duration of `body`.
    public static func withReceiver<T>(_ body: (WebhookReceiver) async throws -> T) async throws -> T {
        let receiver = WebhookReceiver()
        let router = Router()
        router.post("**") { request, _ -> Response in
            let bytes = try await request.body.collect(upTo: 1 << 20)
            let wait = receiver.delay.withLock { $0 }
            if wait > .zero { try? await Task.sleep(for: wait) }
            let refused: Int? = receiver.refuseAll.withLock { $0 } ?? receiver.failuresLeft.withLock { left in
                defer { left = max(0, left - 1) }
                return left > 0 ? 500 : nil
            }
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            let entry = Received(path: request.uri.path, query: request.uri.query ?? "", headers: headers, body: Array(bytes.readableBytesView))
            if refused == nil { receiver.received.withLock { $0.append(entry) } }
            return Response(status: refused.map { .init(code: $0) } ?? .ok)
        }
        var logger = Logger(label: "webhook-receiver")
        logger.logLevel = .warning
        let app = Application(
            router: router,
            configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in receiver.port.withLock { $0 = channel.localAddress?.port } },
            logger: logger
        )
        let services = ServiceGroup(configuration: .init(services: [app], logger: logger))
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await services.run() }
            let result: Result<T, any Error>
            do {
                while receiver.port.withLock({ $0 }) == nil { try await Task.sleep(for: .milliseconds(10)) }
                result = .success(try await body(receiver))
            } catch {
                result = .failure(error)
            }
            await services.triggerGracefulShutdown()
            try await group.waitForAll()
            return try result.get()
        }
    }

    /// Waits until at least `count` requests were accepted; returns them all.
    public func waitFor(_ count: Int, timeout: Duration = .seconds(5)) async throws -> [Received] {
        let deadline = ContinuousClock.now + timeout
        while all.count < count, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        return all
    }
}
