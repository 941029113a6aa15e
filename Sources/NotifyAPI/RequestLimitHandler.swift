import NIOCore
import NIOHTTPTypes
import NotifyCore

/// Holds each request to the limits Hummingbird leaves open: its body must end within `requestTimeout`
/// of its head and stay within `maxBodyBytes`, whether or not a handler reads it.
///
/// A request past either gets the error through its body stream (so a handler reading the body answers 408
/// or 413), the rest of the body is dropped unread, and the connection closes once the response is written.
/// Slow heads are Hummingbird's idle timeout's job: no part reaches this handler until a head is complete.
final class RequestLimitHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// A handler that never reads the body answers without seeing the error; this bounds how long it may take.
    static let closeGrace = TimeAmount.seconds(5)
    /// After the answer, the rest of the body is read and dropped until the client has sent nothing for this long,
    /// and for `maxLinger` at most; then the connection closes. Closing a socket with unread input sends a reset, and a
    /// reset can destroy the answer before the client reads it (a loaded client may still be sending its body).
    static let linger = TimeAmount.seconds(1)
    static let maxLinger = TimeAmount.seconds(10)

    private let requestTimeout: TimeAmount
    private let maxBodyBytes: Int
    private var deadline: Scheduled<Void>?
    private var lingering: Scheduled<Void>?
    private var lingerEnds: NIODeadline?
    private var bodyBytes = 0
    /// The current request's response has been written in full.
    private var answered = false
    /// A limit was broken: nothing more is read and the connection is closing.
    private var broken = false

    init(requestTimeout: Duration, maxBodyBytes: Int) {
        self.requestTimeout = TimeAmount(requestTimeout)
        self.maxBodyBytes = maxBodyBytes
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !broken else {
            keepLingering(context)
            return
        }
        switch unwrapInboundIn(data) {
        case .head:
            bodyBytes = 0
            answered = false
            deadline = context.eventLoop.assumeIsolated().scheduleTask(in: requestTimeout) { [self] in
                exceeded(context, .requestTimeout("the request body did not arrive within \(requestTimeout.nanoseconds / 1_000_000_000) s"))
            }
        case .body(let buffer):
            bodyBytes += buffer.readableBytes
            if bodyBytes > maxBodyBytes {
                exceeded(context, .tooLarge("body", "must be at most \(maxBodyBytes) bytes"))
                return
            }
        case .end:
            deadline?.cancel()
            deadline = nil
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard case .end = unwrapOutboundIn(data) else { return context.write(data, promise: promise) }
        answered = true
        guard broken else { return context.write(data, promise: promise) }
        context.writeAndFlush(data, promise: promise)
        finish(context)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
        lingering?.cancel()
        lingering = nil
    }

    private func exceeded(_ context: ChannelHandlerContext, _ error: NotifyError) {
        guard !broken else { return }
        broken = true
        deadline?.cancel()
        deadline = nil
        context.fireErrorCaught(error)
        if answered {
            finish(context)
        } else {
            context.eventLoop.assumeIsolated().scheduleTask(in: Self.closeGrace) { context.close(promise: nil) }
        }
    }

    /// Ends the output after the answer, then the connection once the client has had time to read it.
    private func finish(_ context: ChannelHandlerContext) {
        context.close(mode: .output, promise: nil)
        lingerEnds = .now() + Self.maxLinger
        keepLingering(context)
    }

    /// (Re)arms the close: `linger` after the latest input, never past `lingerEnds`.
    private func keepLingering(_ context: ChannelHandlerContext) {
        guard let ends = lingerEnds else { return }
        lingering?.cancel()
        lingering = context.eventLoop.assumeIsolated().scheduleTask(deadline: min(.now() + Self.linger, ends)) { context.close(promise: nil) }
    }
}
