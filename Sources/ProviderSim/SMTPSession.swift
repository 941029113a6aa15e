import NIOCore

/// One SMTP connection to an ``SMTPSimulator``: commands in, replies out, flushed once per read so a pipelining
/// client gets its replies together. The body is not kept, only its Message-ID and size.
final class SMTPSession: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// The SIZE advertised; a longer message is refused at its end (552).
    static let maximumMessage = 10 << 20

    private enum Phase { case command, headers, body }

    private let sink: SMTPSimulator
    private var phase = Phase.command
    private var hasSender = false
    private var recipients = 0
    private var messageId: String?
    private var size = 0

    init(sink: SMTPSimulator) { self.sink = sink }

    func channelActive(context: ChannelHandlerContext) {
        sink.connected()
        reply(context, "220 provider-sim ESMTP ready")
        context.flush()
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var line = unwrapInboundIn(data)
        if phase == .command { command(context, line.readString(length: line.readableBytes) ?? "") } else { dataLine(context, &line) }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        context.flush()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    private func command(_ context: ChannelHandlerContext, _ text: String) {
        let verb = text.prefix { $0 != " " }.uppercased()
        switch verb {
        case "EHLO":
            // A greeting starts over, as RSET does (RFC 5321 4.1.4).
            reset()
            reply(context, "250-provider-sim\r\n250-PIPELINING\r\n250-8BITMIME\r\n250 SIZE \(Self.maximumMessage)")
        case "HELO":
            reset()
            reply(context, "250 provider-sim")
        case "MAIL":
            guard text.uppercased().hasPrefix("MAIL FROM:") else { return reply(context, "501 5.5.4 Syntax: MAIL FROM:<address>") }
            guard !hasSender else { return reply(context, "503 5.5.1 Sender already given") }
            hasSender = true
            recipients = 0
            reply(context, "250 2.1.0 OK")
        case "RCPT":
            guard hasSender else { return reply(context, "503 5.5.1 MAIL first") }
            guard text.uppercased().hasPrefix("RCPT TO:") else { return reply(context, "501 5.5.4 Syntax: RCPT TO:<address>") }
            recipients += 1
            reply(context, "250 2.1.5 OK")
        case "DATA":
            guard recipients > 0 else { return reply(context, "503 5.5.1 RCPT first") }
            phase = .headers
            messageId = nil
            size = 0
            reply(context, "354 End data with <CR><LF>.<CR><LF>")
        case "RSET":
            reset()
            reply(context, "250 2.0.0 OK")
        case "NOOP":
            reply(context, "250 2.0.0 OK")
        case "QUIT":
            reply(context, "221 2.0.0 Bye")
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(ByteBuffer())).whenComplete { _ in channel.close(promise: nil) }
        default:
            reply(context, "502 5.5.2 Command not recognized")
        }
    }

    private func dataLine(_ context: ChannelHandlerContext, _ line: inout ByteBuffer) {
        let bytes = line.readableBytesView
        if bytes.count == 1, bytes.first == UInt8(ascii: ".") {
            if size > Self.maximumMessage {
                reply(context, "552 5.3.4 Message too big")
            } else {
                reply(context, "250 2.0.0 OK: queued as \(sink.accept(messageId: messageId))")
            }
            reset()
            return
        }
        if bytes.first == UInt8(ascii: ".") { line.moveReaderIndex(forwardBy: 1) }
        size += line.readableBytes + 2
        guard phase == .headers else { return }
        if line.readableBytes == 0 {
            phase = .body
        } else if messageId == nil, let header = line.getString(at: line.readerIndex, length: line.readableBytes),
                  header.lowercased().hasPrefix("message-id:") {
            messageId = header.dropFirst("message-id:".count).split { $0 == " " || $0 == "\t" }.first.map(String.init)
        }
    }

    private func reset() {
        phase = .command
        hasSender = false
        recipients = 0
        messageId = nil
        size = 0
    }

    private func reply(_ context: ChannelHandlerContext, _ text: String) {
        var buffer = context.channel.allocator.buffer(capacity: text.utf8.count + 2)
        buffer.writeString(text)
        buffer.writeString("\r\n")
        context.write(wrapOutboundOut(buffer), promise: nil)
    }
}
