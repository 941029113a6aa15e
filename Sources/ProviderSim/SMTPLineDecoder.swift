import NIOCore

/// Splits an SMTP byte stream into lines, without their CRLF (a bare LF ends a line too).
struct SMTPLineDecoder: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer

    /// SMTP allows 1,000 octets a line; a client sending far more without a line end is cut off.
    static let maximumLine = 64 << 10

    func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let end = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else {
            if buffer.readableBytes > Self.maximumLine { throw SimulatorError("SMTP line longer than \(Self.maximumLine) bytes") }
            return .needMoreData
        }
        let length = end - buffer.readerIndex
        guard var line = buffer.readSlice(length: length) else { return .needMoreData }
        buffer.moveReaderIndex(forwardBy: 1)
        if line.readableBytesView.last == UInt8(ascii: "\r") { line.moveWriterIndex(to: line.writerIndex - 1) }
        context.fireChannelRead(wrapInboundOut(line))
        return .continue
    }

    func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        // An unterminated last line is not a command.
        buffer.moveReaderIndex(to: buffer.writerIndex)
        return .needMoreData
    }
}
