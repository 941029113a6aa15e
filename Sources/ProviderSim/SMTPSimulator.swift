import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// An SMTP server that accepts every message: the email provider of `notifyme bench`, as the gateway and FCM of
/// ``ProviderSimulator`` are its SMS and push providers. It speaks what a submission client uses (EHLO with
/// PIPELINING, MAIL, RCPT, DATA with dot-unstuffing, RSET, NOOP, QUIT) and keeps counts, not the messages: how many
/// it accepted, over how many connections, and how many times each Message-ID came.
public final class SMTPSimulator: Service, Sendable {
    struct State: Sendable {
        var port: Int?
        var failure: SimulatorError?
        var counts = SMTPCounts()
        /// Accepted messages per Message-ID (as the header gives it, angle brackets included).
        var messageIds: [String: Int] = [:]
        /// Client connections still open, closed on shutdown (a pooling client keeps them open).
        var open: [ObjectIdentifier: any Channel] = [:]
    }

    let host: String
    let requestedPort: Int
    let logger: Logger
    let state = Locked(State())

    /// A server for `host`; `port` 0 takes a free one. It listens only in ``run()``.
    public init(host: String = "127.0.0.1", port: Int = 0, logger: Logger = Logger(label: "smtp-sim")) {
        self.host = host
        requestedPort = port
        self.logger = logger
    }

    /// `smtp://HOST:PORT` (the requested port until bound).
    public var url: String {
        let port = state.withLock { $0.port } ?? requestedPort
        return host.contains(":") ? "smtp://[\(host)]:\(port)" : "smtp://\(host):\(port)"
    }

    /// The counts so far.
    public var counts: SMTPCounts { state.withLock { $0.counts } }

    /// How many accepted messages carried each Message-ID (`<id@domain>`); messages without one are not in it.
    public var messageIdCounts: [String: Int] { state.withLock { $0.messageIds } }

    /// Waits until the server listens and returns its port.
    @discardableResult
    public func ready(timeout: Duration = .seconds(30)) async throws -> Int {
        let deadline = ContinuousClock.now + timeout
        while true {
            let (port, failure) = state.withLock { ($0.port, $0.failure) }
            if let failure { throw failure }
            if let port { return port }
            guard ContinuousClock.now < deadline else { throw SimulatorError("SMTP listener not bound after \(timeout)") }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Listens until graceful shutdown or cancellation, then closes the listener and every open connection.
    public func run() async throws {
        let server: any Channel
        do {
            server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(.backlog, value: 256)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelInitializer { [self] channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandlers(ByteToMessageHandler(SMTPLineDecoder()), SMTPSession(sink: self))
                        track(channel)
                    }
                }
                .bind(host: host, port: requestedPort).get()
        } catch {
            state.withLock { $0.failure = SimulatorError("SMTP could not listen on \(host):\(requestedPort): \(error)") }
            throw error
        }
        state.withLock { $0.port = server.localAddress?.port }
        defer { state.withLock { $0.port = nil } }
        let stop: @Sendable () -> Void = { [self] in
            server.close(promise: nil)
            for channel in state.withLock({ Array($0.open.values) }) { channel.close(promise: nil) }
        }
        try await withTaskCancellationHandler {
            try await withGracefulShutdownHandler {
                try await server.closeFuture.get()
            } onGracefulShutdown: {
                stop()
            }
        } onCancel: {
            stop()
        }
    }

    private func track(_ channel: any Channel) {
        let id = ObjectIdentifier(channel)
        state.withLock { $0.open[id] = channel }
        channel.closeFuture.whenComplete { [self] _ in _ = state.withLock { $0.open.removeValue(forKey: id) } }
    }

    func connected() {
        state.withLock { $0.counts.connections += 1 }
    }

    /// Counts an accepted message; returns its number.
    func accept(messageId: String?) -> Int {
        state.withLock { state in
            state.counts.accepted += 1
            if let messageId {
                state.messageIds[messageId, default: 0] += 1
                if state.messageIds[messageId] != 1 { state.counts.duplicates += 1 }
            }
            return state.counts.accepted
        }
    }
}
