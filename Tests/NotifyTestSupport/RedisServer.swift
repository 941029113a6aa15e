import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A private redis-server for one test: free port (or unix socket), fresh data folder.
public final class RedisServer: Sendable {
    public let port: Int
    public let dataDir: URL
    public let password: String?
    /// The unix socket path when started with `unixSocket: true`.
    public let socketPath: String?
    private let appendOnly: Bool
    private let current: ProcessSlot

    /// Starts redis-server and waits until it accepts connections; throws with its log if it does not in 10 s.
    public static func start(unixSocket: Bool = false, password: String? = nil, appendOnly: Bool = false) throws -> RedisServer {
        let server = try RedisServer(
            port: Loopback.freePort(),
            dataDir: Loopback.temporaryDirectory("redis"),
            unixSocket: unixSocket,
            password: password,
            appendOnly: appendOnly
        )
        try server.launch()
        return server
    }

    private init(port: Int, dataDir: URL, unixSocket: Bool, password: String?, appendOnly: Bool) {
        self.port = port
        self.dataDir = dataDir
        self.password = password
        self.appendOnly = appendOnly
        self.socketPath = unixSocket ? dataDir.appendingPathComponent("redis.sock").path : nil
        self.current = ProcessSlot()
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: dataDir)
    }

    /// `redis://[:password@]127.0.0.1:PORT`, or `unix:///dir/redis.sock[?password=...]`.
    public var url: String {
        let encoded = password.map { $0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? $0 }
        if let socketPath {
            return "unix://\(socketPath)" + (encoded.map { "?password=\($0)" } ?? "")
        }
        return "redis://" + (encoded.map { ":\($0)@" } ?? "") + "127.0.0.1:\(port)"
    }

    /// The server's log so far (for failure messages).
    public var log: String { current.process?.output ?? "" }

    /// SIGTERM, then waits for exit. Idempotent.
    public func stop() {
        current.take()?.stop(signal: SIGTERM, timeout: 5)
    }

    /// SIGKILL, like a crash: no shutdown save, clients see the socket drop.
    public func kill() {
        current.take()?.stop(signal: SIGKILL, timeout: 5)
    }

    /// Starts again on the same port (or socket) and folder, so an AOF is replayed.
    public func restart() throws {
        stop()
        try launch()
    }

    private func launch() throws {
        var arguments = [
            "--port", String(port), "--bind", "127.0.0.1", "--dir", dataDir.path,
            "--save", "", "--appendonly", appendOnly ? "yes" : "no",
            // DEBUG SLEEP lets a test hold the server still, as a slow or stalled Redis would be.
            "--enable-debug-command", "local",
        ]
        if let socketPath {
            // A socket file left by a killed server would make the readiness check pass too early.
            try? FileManager.default.removeItem(atPath: socketPath)
            arguments += ["--unixsocket", socketPath, "--unixsocketperm", "700"]
        }
        if let password { arguments += ["--requirepass", password] }
        let generation = current.nextGeneration()
        // ManagedProcess unblocks SIGTERM/SIGINT for the child, so stop() is a graceful shutdown.
        let process = try ManagedProcess(
            name: "redis-server-\(generation)",
            executable: "redis-server",
            arguments: arguments,
            workDir: dataDir
        )
        current.set(process)
        let ready = Loopback.waitUntil(timeout: 10) {
            guard process.isRunning else { return true }
            let listening = socketPath.map { FileManager.default.fileExists(atPath: $0) } ?? Loopback.isListening(port: port)
            return listening && process.output.contains("Ready to accept connections")
        }
        guard ready, process.isRunning else {
            let output = process.output
            current.take()?.stop(signal: SIGKILL, timeout: 1)
            throw TestSupportError("redis-server did not start on port \(port):\n\(output)")
        }
    }
}

/// The running process of a RedisServer, swapped on restart.
private final class ProcessSlot: @unchecked Sendable {
    // @unchecked: both fields are only read or written while holding `lock`.
    private let lock = NSLock()
    private var value: ManagedProcess?
    private var generation = 0

    var process: ManagedProcess? { lock.withLock { value } }
    func set(_ process: ManagedProcess) { lock.withLock { value = process } }
    func take() -> ManagedProcess? {
        lock.withLock {
            defer { value = nil }
            return value
        }
    }
    func nextGeneration() -> Int {
        lock.withLock {
            generation += 1
            return generation
        }
    }
}
