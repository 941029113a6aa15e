import CHiredis
import Glibc
import Logging

/// One hiredis context and everything that touches it. Lives on its connection's thread only.
///
/// Connects lazily, runs AUTH/SELECT after every (re)connect, and discards the context after any
/// I/O error or timeout because its reply stream can no longer be trusted.
final class HiredisSession {
    private let configuration: RedisConfiguration
    private let clientName: String
    private let logger: Logger
    private var context: UnsafeMutablePointer<redisContext>?
    /// The server `context` is connected to (or was last asked for).
    private var endpoint: RedisConfiguration.Endpoint
    private var appliedTimeout: Duration?
    private let writer = RESPWriter()
    /// Bytes of read buffer a connection keeps between replies.
    private static let retainedReadBuffer = 1024 * 1024

    /// Writes to a socket the server closed raise SIGPIPE, which would kill the process.
    private static let ignoreSIGPIPE: Void = nm_ignore_sigpipe()

    init(configuration: RedisConfiguration, name: String, logger: Logger) {
        self.configuration = configuration
        self.endpoint = configuration.endpoint
        self.clientName = HiredisSession.sanitizedName(name)
        self.logger = logger
    }

    deinit { disconnect() }

    /// One command, one round trip; error replies come back as `.error`.
    func execute(_ command: RedisCommand, timeout: Duration, on endpoint: RedisConfiguration.Endpoint) throws(RedisError) -> RedisValue {
        guard command.count > 0 else { throw .reply("ERR empty command") }
        let ctx = try prepare(timeout: timeout, endpoint: endpoint)
        guard let reply = try roundTrip(ctx, CollectionOfOne(command)).first else { throw .reply("ERR no reply to \(command.name)") }
        return reply
    }

    /// All commands appended, then all replies read: one round trip; error replies come back as `.error`.
    func execute(_ commands: [RedisCommand], timeout: Duration, on endpoint: RedisConfiguration.Endpoint) throws(RedisError) -> [RedisValue] {
        guard !commands.isEmpty else { return [] }
        guard commands.allSatisfy({ $0.count > 0 }) else { throw .reply("ERR empty command in pipeline") }
        let ctx = try prepare(timeout: timeout, endpoint: endpoint)
        return try roundTrip(ctx, commands)
    }

    /// Frees the context; the next command connects again.
    func disconnect() {
        guard let ctx = context else { return }
        context = nil
        appliedTimeout = nil
        redisFree(ctx)
    }

    // MARK: - Connecting

    private func prepare(timeout: Duration, endpoint: RedisConfiguration.Endpoint) throws(RedisError) -> UnsafeMutablePointer<redisContext> {
        // A cluster connection that follows a key to another node drops the old one first.
        if endpoint != self.endpoint {
            disconnect()
            self.endpoint = endpoint
        }
        // A socket the server closed while we were idle is noticed before writing to it (one poll, no
        // wait), so the first command after a server restart reconnects instead of failing.
        if let ctx = context, nm_socket_has_pending_input(ctx.pointee.fd) != 0 {
            logger.info("redis connection closed by the server while idle; reconnecting", metadata: ["connection": "\(clientName)"])
            disconnect()
        }
        let ctx: UnsafeMutablePointer<redisContext>
        if let existing = context {
            ctx = existing
        } else {
            ctx = try connect()
        }
        if appliedTimeout != timeout {
            guard redisSetTimeout(ctx, timeout.timeval) == REDIS_OK else {
                throw failure(ctx, errno: errno, doing: "setting the command timeout")
            }
            appliedTimeout = timeout
        }
        return ctx
    }

    private func connect() throws(RedisError) -> UnsafeMutablePointer<redisContext> {
        HiredisSession.ignoreSIGPIPE
        let timeout = configuration.connectTimeout.timeval
        let created: UnsafeMutablePointer<redisContext>? = switch endpoint {
        case .tcp(let host, let port): redisConnectWithTimeout(host, Int32(port), timeout)
        case .unix(let path): redisConnectUnixWithTimeout(path, timeout)
        }
        guard let ctx = created else { throw .connection("cannot allocate a hiredis context") }
        guard ctx.pointee.err == 0 else {
            let message = HiredisSession.errorString(ctx)
            redisFree(ctx)
            throw .connection("cannot connect to \(endpointDescription): \(message)")
        }
        context = ctx
        appliedTimeout = nil
        // The reader keeps its buffer between replies up to this size, instead of freeing it whenever it holds more than
        // 16 KiB free (hiredis's default): a pipeline's replies often do, and each free and regrowth costs malloc work.
        ctx.pointee.reader.pointee.maxbuf = HiredisSession.retainedReadBuffer
        do throws(RedisError) {
            guard redisSetTimeout(ctx, configuration.commandTimeout.timeval) == REDIS_OK else {
                throw failure(ctx, errno: errno, doing: "setting the command timeout")
            }
            appliedTimeout = configuration.commandTimeout
            try handshake(ctx)
        } catch {
            disconnect()
            throw error
        }
        logger.debug("redis connected", metadata: ["connection": "\(clientName)", "endpoint": "\(endpointDescription)"])
        return ctx
    }

    /// AUTH, SELECT and CLIENT SETNAME in one round trip, after every connect.
    private func handshake(_ ctx: UnsafeMutablePointer<redisContext>) throws(RedisError) {
        var commands: [RedisCommand] = []
        if let password = configuration.password {
            if let username = configuration.username {
                commands.append(RedisCommand("AUTH", username, password))
            } else {
                commands.append(RedisCommand("AUTH", password))
            }
        }
        if configuration.database != 0 {
            commands.append(RedisCommand("SELECT", configuration.database))
        }
        commands.append(RedisCommand("CLIENT", "SETNAME", clientName))
        let replies = try roundTrip(ctx, commands)
        // CLIENT SETNAME only labels the connection for CLIENT LIST; its failure does not matter.
        for (command, reply) in zip(commands, replies) where command.name != "CLIENT" {
            if case .error(let message) = reply {
                throw .reply("\(command.name) after connect failed: \(message)")
            }
        }
    }

    // MARK: - Round trips

    private func roundTrip(_ ctx: UnsafeMutablePointer<redisContext>, _ commands: some Collection<RedisCommand>) throws(RedisError) -> [RedisValue] {
        let status = writer.withFormatted(commands) { bytes, count in redisAppendFormattedCommand(ctx, bytes, count) }
        guard status == REDIS_OK else { throw failure(ctx, errno: errno, doing: commands.first?.name ?? "pipeline") }
        var replies: [RedisValue] = []
        replies.reserveCapacity(commands.count)
        for command in commands {
            var raw: UnsafeMutableRawPointer?
            var savedErrno: Int32 = 0
            let status = nm_redis_get_reply(ctx, &raw, &savedErrno)
            guard status == REDIS_OK, let reply = raw else {
                throw failure(ctx, errno: savedErrno, doing: command.name)
            }
            replies.append(RedisValue(reply: reply.assumingMemoryBound(to: redisReply.self)))
            freeReplyObject(reply)
        }
        return replies
    }

    /// Turns the context's error into a RedisError and discards the context: after a timeout or I/O
    /// error the next bytes on the socket may belong to an earlier command.
    private func failure(_ ctx: UnsafeMutablePointer<redisContext>, errno savedErrno: Int32, doing what: String) -> RedisError {
        let code = ctx.pointee.err
        let message = HiredisSession.errorString(ctx)
        let error: RedisError
        if code == REDIS_ERR_IO && (savedErrno == EAGAIN || savedErrno == EWOULDBLOCK) {
            let limit = appliedTimeout.map { " within \($0)" } ?? ""
            error = .timeout("\(what): no reply\(limit) from \(endpointDescription); connection discarded")
        } else if code == REDIS_ERR_EOF {
            error = .connection("\(what): \(endpointDescription) closed the connection")
        } else if code == REDIS_ERR_PROTOCOL {
            error = .protocolViolation("\(what): \(message)")
        } else {
            error = .connection("\(what): \(message.isEmpty ? "I/O error" : message) (\(endpointDescription))")
        }
        if context == ctx {
            disconnect()
        }
        logger.warning("redis connection discarded", metadata: ["connection": "\(clientName)", "error": "\(error)"])
        return error
    }

    private var endpointDescription: String {
        switch endpoint {
        case .tcp(let host, let port): "\(host):\(port)"
        case .unix(let path): path
        }
    }

    private static func errorString(_ ctx: UnsafeMutablePointer<redisContext>) -> String {
        withUnsafeBytes(of: ctx.pointee.errstr) { raw in
            let text = raw.prefix { $0 != 0 }
            return String(decoding: text, as: UTF8.self)
        }
    }

    private static func sanitizedName(_ name: String) -> String {
        let allowed = name.unicodeScalars.map { scalar -> Character in
            scalar.isASCII && scalar.value > 32 && scalar.value < 127 ? Character(scalar) : "-"
        }
        return allowed.isEmpty ? "redis" : String(allowed)
    }
}
