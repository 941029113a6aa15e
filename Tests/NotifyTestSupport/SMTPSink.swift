import Foundation

/// One message an ``SMTPSink`` accepted.
public struct ReceivedMail: Sendable {
    /// The envelope sender (MAIL FROM).
    public let from: String
    /// The envelope recipients (RCPT TO), in order.
    public let recipients: [String]
    /// The raw message as received (after SMTP dot-unstuffing).
    public let data: String
    /// The AUTH login the client used, when it authenticated.
    public let authenticatedAs: String?
    /// The name the client gave in EHLO/HELO.
    public let heloName: String?
}

/// A local SMTP server for tests: aiosmtpd (Debian's python3-aiosmtpd, run by `/usr/bin/python3`)
/// with a handler that stores each message as `<mailDir>/NNNNNN.eml` plus a `.json` sidecar with
/// the envelope. Optionally requires AUTH (PLAIN/LOGIN) and/or STARTTLS with a self-signed certificate.
public final class SMTPSink: Sendable {
    public let port: Int
    /// Where messages are stored.
    public let mailDir: URL
    /// The sink's self-signed certificate (PEM) when started with `startTLS`.
    public let certificatePath: String?
    private let process: ManagedProcess

    /// `smtp://127.0.0.1:PORT`.
    public var url: String { "smtp://127.0.0.1:\(port)" }

    private init(port: Int, mailDir: URL, certificatePath: String?, process: ManagedProcess) {
        self.port = port
        self.mailDir = mailDir
        self.certificatePath = certificatePath
        self.process = process
    }

    deinit { process.stop() }

    /// Starts a sink on a free loopback port and waits until it accepts connections.
    /// - Parameters:
    ///   - requireAuth: credentials the client must present with AUTH before MAIL FROM.
    ///   - startTLS: offer STARTTLS with a fresh self-signed certificate and require it before MAIL FROM.
    public static func start(requireAuth: (user: String, password: String)? = nil, startTLS: Bool = false) throws -> SMTPSink {
        let workDir = try Loopback.temporaryDirectory("nm-smtp")
        let mailDir = workDir.appendingPathComponent("mail", isDirectory: true)
        try FileManager.default.createDirectory(at: mailDir, withIntermediateDirectories: true)
        let script = workDir.appendingPathComponent("smtp_sink.py")
        try sinkScript.write(to: script, atomically: true, encoding: .utf8)

        var environment = ProcessInfo.processInfo.environment
        environment["PYTHONPATH"] = nil
        environment["PYTHONHOME"] = nil
        if let requireAuth {
            environment["SINK_USER"] = requireAuth.user
            environment["SINK_PASSWORD"] = requireAuth.password
        }
        var certificatePath: String?
        if startTLS {
            let (cert, key) = try HTTPTestServer.makeSelfSignedCertificate(in: workDir)
            environment["SINK_CERT"] = cert
            environment["SINK_KEY"] = key
            certificatePath = cert
        }

        var lastError = ""
        for _ in 0..<3 {  // the free port can be taken between probe and bind: retry
            let port = try Loopback.freePort()
            let process = try ManagedProcess(
                name: "smtp-sink-\(port)", executable: HTTPTestServer.pythonPath,
                arguments: ["-u", script.path, String(port), mailDir.path], workDir: workDir, environment: environment
            )
            let up = Loopback.waitUntil(timeout: 15) { process.output.contains("SINK READY") || !process.isRunning }
            if up, process.isRunning, Loopback.isListening(port: port) {
                return SMTPSink(port: port, mailDir: mailDir, certificatePath: certificatePath, process: process)
            }
            lastError = process.output
            process.stop()
        }
        throw TestSupportError("SMTP sink did not start:\n\(lastError)")
    }

    /// Every message stored so far, in arrival order.
    public func messages() -> [ReceivedMail] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: mailDir.path)) ?? []
        return names.filter { $0.hasSuffix(".eml") }.sorted().compactMap { name in
            let eml = mailDir.appendingPathComponent(name)
            let sidecar = eml.deletingPathExtension().appendingPathExtension("json")
            guard let raw = try? Data(contentsOf: eml),
                  let metaData = try? Data(contentsOf: sidecar),
                  let meta = try? JSONDecoder().decode(Sidecar.self, from: metaData)
            else { return nil }
            return ReceivedMail(
                from: meta.from, recipients: meta.recipients,
                data: String(decoding: raw, as: UTF8.self), authenticatedAs: meta.auth, heloName: meta.helo
            )
        }
    }

    /// Waits until at least `count` messages arrived or `timeout` seconds passed; returns what is there.
    public func waitForMessages(count: Int, timeout: Double) -> [ReceivedMail] {
        var found: [ReceivedMail] = []
        _ = Loopback.waitUntil(timeout: timeout) {
            found = messages()
            return found.count >= count
        }
        return found
    }

    /// The sink's output so far (SMTP session log).
    public var log: String { process.output }

    /// Stops the sink (also done on deinit).
    /// Waits without blocking a thread until `count` messages arrived or `timeout` seconds passed.
    public func awaitMessages(count: Int, timeout: Double) async -> [ReceivedMail] {
        let deadline = Date().addingTimeInterval(timeout)
        var received = messages()
        while received.count < count && Date() < deadline {
            try? await Task.sleep(for: .milliseconds(50))
            received = messages()
        }
        return received
    }

    public func stop() { process.stop() }

    private struct Sidecar: Decodable {
        let from: String
        let recipients: [String]
        let auth: String?
        let helo: String?
    }
}

private let sinkScript = #"""
import json, os, signal, ssl, sys, threading
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

PORT, MAILDIR = int(sys.argv[1]), sys.argv[2]
USER, PASSWORD = os.environ.get("SINK_USER"), os.environ.get("SINK_PASSWORD")
CERT, KEY = os.environ.get("SINK_CERT"), os.environ.get("SINK_KEY")

class Handler:
    def __init__(self):
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += 1
            n = self.count
        base = os.path.join(MAILDIR, "%06d" % n)
        content = envelope.original_content or envelope.content
        if isinstance(content, str):
            content = content.encode("utf-8", "surrogateescape")
        auth = getattr(session, "auth_data", None)
        meta = {"from": envelope.mail_from, "recipients": list(envelope.rcpt_tos),
                "auth": auth if isinstance(auth, str) else None,
                "helo": getattr(session, "host_name", None)}
        with open(base + ".json.tmp", "w") as f:
            json.dump(meta, f)
        os.replace(base + ".json.tmp", base + ".json")
        with open(base + ".eml.tmp", "wb") as f:
            f.write(content)
        os.replace(base + ".eml.tmp", base + ".eml")
        print("stored message", n, flush=True)
        return "250 Message accepted for delivery"

def authenticator(server, session, envelope, mechanism, auth_data):
    ok = (isinstance(auth_data, LoginPassword) and USER is not None
          and auth_data.login.decode() == USER and auth_data.password.decode() == PASSWORD)
    return AuthResult(success=ok, handled=False, auth_data=USER if ok else None)

kwargs = {}
if USER is not None:
    kwargs.update(authenticator=authenticator, auth_required=True, auth_require_tls=False)
if CERT:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(CERT, KEY)
    kwargs.update(tls_context=ctx, require_starttls=True)

controller = Controller(Handler(), hostname="127.0.0.1", port=PORT, **kwargs)
controller.start()
print("SINK READY", PORT, flush=True)
stop = threading.Event()
signal.signal(signal.SIGTERM, lambda *a: stop.set())
signal.signal(signal.SIGINT, lambda *a: stop.set())
# The parent may spawn us from a thread that blocks SIGTERM; the mask is inherited. Unblock it.
signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM, signal.SIGINT])
while not stop.wait(0.1):
    pass
controller.stop()
"""#
