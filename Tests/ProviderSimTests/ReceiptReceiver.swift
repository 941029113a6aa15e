import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// A small HTTP server standing in for NotifyMe's receipt endpoint: it records every POST.
final class ReceiptReceiver: Sendable {
    struct Received: Sendable {
        let path: String
        let query: String
        /// Header names lower-cased.
        let headers: [String: String]
        let body: [UInt8]
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    private let received = TestLocked<[Received]>([])
    private let port = TestLocked<Int?>(nil)
    /// Requests still to refuse with a 500 (to show the simulator retries).
    let failuresLeft = TestLocked(0)

    /// `http://127.0.0.1:PORT` once listening.
    var baseURL: String { "http://127.0.0.1:\(port.withLock { $0 } ?? 0)" }

    var all: [Received] { received.withLock { $0 } }

    /// Runs a receiver for the duration of `body`.
    static func withReceiver<T>(_ body: (ReceiptReceiver) async throws -> T) async throws -> T {
        let receiver = ReceiptReceiver()
        let router = Router()
        router.post("**") { request, _ -> Response in
            let bytes = try await request.body.collect(upTo: 1 << 20)
            let refuse = receiver.failuresLeft.withLock { left in
                defer { left = max(0, left - 1) }
                return left > 0
            }
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            let entry = Received(path: request.uri.path, query: request.uri.query ?? "", headers: headers, body: Array(bytes.readableBytesView))
            if !refuse { receiver.received.withLock { $0.append(entry) } }
            return Response(status: refuse ? .internalServerError : .ok)
        }
        var logger = Logger(label: "receipt-receiver")
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

    /// Waits until at least `count` requests arrived; returns them all.
    func waitFor(_ count: Int, timeout: Duration = .seconds(5)) async throws -> [Received] {
        let deadline = ContinuousClock.now + timeout
        while all.count < count, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        return all
    }
}
