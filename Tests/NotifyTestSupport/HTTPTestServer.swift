import Foundation

/// A local HTTP server for tests, run as a Python script (Debian's `/usr/bin/python3`).
///
/// Routes (any method):
/// - `/echo` — 200 with JSON `{method, path, headers: [[name, value]], body, bodyLength, httpVersion}`
/// - `/status/{code}` — that status with a small JSON body (none for 204/304; 429 adds `Retry-After: 1`)
/// - `/delay/{ms}` — 200 after sleeping `ms` milliseconds
/// - `/hang` — never answers
/// - `/bytes/{n}` — 200 with `n` bytes `i % 256`
/// - `/count` — JSON `{connections, requests}` (also readable without HTTP through ``stats()``)
///
/// Modes: `.http1` is an HTTP/1.1 keep-alive server (ThreadingHTTPServer, Content-Length always
/// set); `.h2c` is an HTTP/2 server (python3-h2 on asyncio) that speaks cleartext prior-knowledge
/// HTTP/2, or HTTP/2 negotiated with ALPN when `tls` is set.
public final class HTTPTestServer: Sendable {
    /// Which protocol the server speaks.
    public enum Mode: Sendable {
        /// HTTP/1.1 with keep-alive.
        case http1
        /// HTTP/2 (prior knowledge on cleartext; ALPN `h2` with TLS). Needs the python3-h2 package.
        case h2c
    }

    /// Connections accepted and requests served so far. `connections` includes the readiness probe.
    public struct Stats: Sendable, Codable, Equatable {
        public let connections: Int
        public let requests: Int
    }

    public let port: Int
    public let mode: Mode
    /// `http://127.0.0.1:PORT`, or `https://` when started with TLS.
    public let baseURL: String
    /// The self-signed certificate (PEM) the server presents when started with TLS.
    public let certificatePath: String?
    public let workDir: URL
    private let process: ManagedProcess

    private init(port: Int, mode: Mode, baseURL: String, certificatePath: String?, workDir: URL, process: ManagedProcess) {
        self.port = port
        self.mode = mode
        self.baseURL = baseURL
        self.certificatePath = certificatePath
        self.workDir = workDir
        self.process = process
    }

    deinit { process.stop() }

    /// Starts a server on a free loopback port and waits until it accepts connections.
    public static func start(mode: Mode = .http1, tls: Bool = false) throws -> HTTPTestServer {
        let workDir = try Loopback.temporaryDirectory("nm-http")
        let script = workDir.appendingPathComponent(mode == .http1 ? "http1_server.py" : "h2_server.py")
        try (mode == .http1 ? http1Script : h2Script).write(to: script, atomically: true, encoding: .utf8)
        var arguments = ["-u", script.path, "", workDir.appendingPathComponent("stats.json").path]
        var certificatePath: String?
        if tls {
            let (cert, key) = try makeSelfSignedCertificate(in: workDir)
            arguments += [cert, key]
            certificatePath = cert
        }
        var lastError = ""
        for _ in 0..<3 {  // a free port can be taken between probe and bind: retry
            let port = try Loopback.freePort()
            arguments[2] = String(port)
            let process = try ManagedProcess(name: "http-server-\(port)", executable: pythonPath, arguments: arguments, workDir: workDir)
            if Loopback.waitUntil(timeout: 10, { Loopback.isListening(port: port) || !process.isRunning }), process.isRunning {
                let scheme = tls ? "https" : "http"
                return HTTPTestServer(
                    port: port, mode: mode, baseURL: "\(scheme)://127.0.0.1:\(port)",
                    certificatePath: certificatePath, workDir: workDir, process: process
                )
            }
            lastError = process.output
            process.stop()
        }
        throw TestSupportError("HTTP test server did not start:\n\(lastError)")
    }

    /// `baseURL + path`; `path` starts with "/".
    public func url(_ path: String) -> String { baseURL + path }

    /// Connection and request counters, read from the file the server rewrites on every change.
    public func stats() throws -> Stats {
        let data = try Data(contentsOf: workDir.appendingPathComponent("stats.json"))
        return try JSONDecoder().decode(Stats.self, from: data)
    }

    /// The server's output so far.
    public var log: String { process.output }

    /// Stops the server (also done on deinit).
    public func stop() { process.stop() }

    /// Debian's Python (with aiosmtpd and h2 from apt), not a pyenv one on PATH.
    public static var pythonPath: String {
        FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") ? "/usr/bin/python3" : "python3"
    }

    /// Writes a self-signed EC certificate for 127.0.0.1/localhost into `dir`; returns (cert, key) paths.
    public static func makeSelfSignedCertificate(in dir: URL) throws -> (certificate: String, key: String) {
        let cert = dir.appendingPathComponent("cert.pem").path
        let key = dir.appendingPathComponent("key.pem").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try ManagedProcess.resolve("openssl"))
        process.arguments = [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw TestSupportError("openssl req failed (\(process.terminationStatus))") }
        return (cert, key)
    }
}

// MARK: - Scripts

private let http1Script = #"""
import json, os, signal, ssl, sys, threading, time
# The parent may spawn us from a thread that blocks SIGTERM; the mask is inherited. Unblock it.
signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM, signal.SIGINT])
from http.server import ThreadingHTTPServer, BaseHTTPRequestHandler

PORT, STATS = int(sys.argv[1]), sys.argv[2]
lock = threading.Lock()
stats = {"connections": 0, "requests": 0}

def save():
    tmp = STATS + ".tmp"
    with open(tmp, "w") as f:
        json.dump(stats, f)
    os.replace(tmp, STATS)

def bump(key):
    with lock:
        stats[key] += 1
        save()

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self):
        super().setup()
        bump("connections")

    def log_message(self, fmt, *args):
        pass

    def send_body(self, code, body, ctype="application/json", extra=()):
        if code in (204, 304):
            body = b""
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        if code not in (204, 304):
            self.send_header("Content-Length", str(len(body)))
        for name, value in extra:
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        bump("requests")
        parts = self.path.split("?", 1)[0].strip("/").split("/")
        route = parts[0]
        if route == "echo":
            payload = {
                "method": self.command, "path": self.path,
                "headers": [[k, v] for k, v in self.headers.items()],
                "body": body.decode("utf-8", "replace"), "bodyLength": len(body),
                "httpVersion": self.request_version,
            }
            self.send_body(200, json.dumps(payload).encode())
        elif route == "status" and len(parts) > 1:
            code = int(parts[1])
            extra = [("Retry-After", "1")] if code == 429 else []
            self.send_body(code, json.dumps({"status": code}).encode(), extra=extra)
        elif route == "delay" and len(parts) > 1:
            time.sleep(int(parts[1]) / 1000.0)
            self.send_body(200, json.dumps({"delayed": int(parts[1])}).encode())
        elif route == "hang":
            time.sleep(3600)
        elif route == "bytes" and len(parts) > 1:
            n = int(parts[1])
            self.send_body(200, bytes(i % 256 for i in range(n)), "application/octet-stream")
        elif route == "count":
            with lock:
                body = json.dumps(stats).encode()
            self.send_body(200, body)
        else:
            self.send_body(404, b'{"error":"not found"}')

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = handle_any

class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 512

server = Server(("127.0.0.1", PORT), Handler)
if len(sys.argv) > 4:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(sys.argv[3], sys.argv[4])
    ctx.set_alpn_protocols(["http/1.1"])
    server.socket = ctx.wrap_socket(server.socket, server_side=True)
save()
print("listening on", PORT, flush=True)
server.serve_forever()
"""#

private let h2Script = #"""
import asyncio, json, os, signal, ssl, sys
# The parent may spawn us from a thread that blocks SIGTERM; the mask is inherited. Unblock it.
signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM, signal.SIGINT])
import h2.config, h2.connection, h2.events, h2.settings, h2.exceptions

PORT, STATS = int(sys.argv[1]), sys.argv[2]
stats = {"connections": 0, "requests": 0}

def save():
    tmp = STATS + ".tmp"
    with open(tmp, "w") as f:
        json.dump(stats, f)
    os.replace(tmp, STATS)

def bump(key):
    stats[key] += 1
    save()

class H2Protocol(asyncio.Protocol):
    def __init__(self):
        config = h2.config.H2Configuration(client_side=False, header_encoding="utf-8")
        self.conn = h2.connection.H2Connection(config=config)
        self.streams = {}

    def connection_made(self, transport):
        bump("connections")
        self.transport = transport
        self.conn.local_settings = h2.settings.Settings(
            client=False, initial_values={h2.settings.SettingCodes.MAX_CONCURRENT_STREAMS: 1000})
        self.conn.initiate_connection()
        self.flush()

    def flush(self):
        data = self.conn.data_to_send()
        if data and not self.transport.is_closing():
            self.transport.write(data)

    def data_received(self, data):
        try:
            events = self.conn.receive_data(data)
        except h2.exceptions.ProtocolError:
            self.flush()
            self.transport.close()
            return
        for event in events:
            if isinstance(event, h2.events.RequestReceived):
                self.streams[event.stream_id] = (event.headers, bytearray())
            elif isinstance(event, h2.events.DataReceived):
                entry = self.streams.get(event.stream_id)
                if entry is not None:
                    entry[1].extend(event.data)
                self.conn.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
            elif isinstance(event, h2.events.StreamEnded):
                entry = self.streams.pop(event.stream_id, None)
                if entry is not None:
                    asyncio.ensure_future(self.handle(event.stream_id, entry[0], bytes(entry[1])))
            elif isinstance(event, h2.events.StreamReset):
                self.streams.pop(event.stream_id, None)
            elif isinstance(event, h2.events.ConnectionTerminated):
                self.transport.close()
        self.flush()

    async def handle(self, stream_id, headers, body):
        bump("requests")
        fields = dict(headers)
        method, path = fields.get(":method", "GET"), fields.get(":path", "/")
        parts = path.split("?", 1)[0].strip("/").split("/")
        route = parts[0]
        extra = []
        ctype = "application/json"
        if route == "echo":
            payload = {
                "method": method, "path": path,
                "headers": [[k, v] for k, v in headers if not k.startswith(":")],
                "body": body.decode("utf-8", "replace"), "bodyLength": len(body),
                "httpVersion": "HTTP/2",
            }
            code, out = 200, json.dumps(payload).encode()
        elif route == "status" and len(parts) > 1:
            code = int(parts[1])
            out = json.dumps({"status": code}).encode()
            if code == 429:
                extra = [("retry-after", "1")]
        elif route == "delay" and len(parts) > 1:
            await asyncio.sleep(int(parts[1]) / 1000.0)
            code, out = 200, json.dumps({"delayed": int(parts[1])}).encode()
        elif route == "hang":
            await asyncio.sleep(3600)
            return
        elif route == "bytes" and len(parts) > 1:
            code, out, ctype = 200, bytes(i % 256 for i in range(int(parts[1]))), "application/octet-stream"
        elif route == "count":
            code, out = 200, json.dumps(stats).encode()
        else:
            code, out = 404, b'{"error":"not found"}'
        if code in (204, 304):
            out = b""
        if method == "HEAD" or code in (204, 304):
            out_body = b""
        else:
            out_body = out
        try:
            response = [(":status", str(code)), ("content-type", ctype), ("content-length", str(len(out)))] + extra
            self.conn.send_headers(stream_id, response, end_stream=not out_body)
            offset = 0
            while offset < len(out_body):
                while self.conn.local_flow_control_window(stream_id) < 1:
                    self.flush()
                    await asyncio.sleep(0.005)
                size = min(self.conn.local_flow_control_window(stream_id), self.conn.max_outbound_frame_size,
                           len(out_body) - offset)
                chunk = out_body[offset:offset + size]
                offset += size
                self.conn.send_data(stream_id, chunk, end_stream=offset >= len(out_body))
                self.flush()
            self.flush()
        except (h2.exceptions.StreamClosedError, h2.exceptions.ProtocolError):
            pass

async def main():
    ctx = None
    if len(sys.argv) > 4:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(sys.argv[3], sys.argv[4])
        ctx.set_alpn_protocols(["h2"])
    loop = asyncio.get_running_loop()
    server = await loop.create_server(H2Protocol, "127.0.0.1", PORT, ssl=ctx, backlog=512)
    print("listening on", PORT, flush=True)
    async with server:
        await server.serve_forever()

save()
asyncio.run(main())
"""#
