import Logging
import ServiceLifecycle

/// An in-process stand-in for SMS and push providers, speaking their real wire protocols.
///
/// One HTTP/1.1 listener serves the generic SMS gateway (`/sms/v1`), Twilio (`/twilio/2010-04-01`),
/// FCM HTTP v1 (`/fcm`), Web Push (`/webpush`) and the control API (`/_sim`); a cleartext HTTP/2
/// (prior knowledge) listener serves APNs (`/3/device`). Run it as a `Service`, or scoped with
/// ``withRunning(_:logger:_:)``.
public final class ProviderSimulator: Service, Sendable {
    /// The configuration it was created with.
    public let configuration: SimulatorConfiguration
    let logger: Logger
    /// Credentials as created or loaded; ``credentials`` rewrites the FCM `token_uri` once bound.
    let baseCredentials: SimulatorCredentials
    let keys: VerificationKeys
    let state: Locked<SimState>

    /// Loads or generates credentials (an RSA-2048 key takes a moment); listens only in ``run()``.
    public init(configuration: SimulatorConfiguration = SimulatorConfiguration(), logger: Logger = Logger(label: "provider-sim")) throws {
        let tokenURI = Self.origin(host: configuration.host, port: configuration.port) + "/fcm/token"
        if let directory = configuration.credentialsDirectory {
            baseCredentials = try .loadOrCreate(directory: directory, tokenURI: tokenURI)
        } else {
            baseCredentials = try .generate(tokenURI: tokenURI)
        }
        keys = try baseCredentials.verificationKeys()
        self.configuration = configuration
        self.logger = logger
        state = Locked(SimState(behaviours: configuration.behaviours, now: .now))
    }

    /// Waits until both listeners are bound and returns their ports; throws if ``run()`` failed
    /// to start or `timeout` passes first.
    @discardableResult
    public func ready(timeout: Duration = .seconds(30)) async throws -> (http1Port: Int, http2Port: Int) {
        let deadline = ContinuousClock.now + timeout
        while true {
            let (http1, http2, failure) = state.withLock { ($0.http1Port, $0.http2Port, $0.startupFailure) }
            if let failure { throw failure }
            if let http1, let http2 { return (http1, http2) }
            guard ContinuousClock.now < deadline else { throw SimulatorError("listeners not bound after \(timeout)") }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// `http://HOST:PORT` of the HTTP/1.1 listener (the configured port until bound).
    public var baseURL: String {
        Self.origin(host: configuration.host, port: state.withLock { $0.http1Port } ?? configuration.port)
    }

    /// `http://HOST:PORT` of the HTTP/2 APNs listener (the configured port until bound).
    public var apnsURL: String {
        Self.origin(host: configuration.host, port: state.withLock { $0.http2Port } ?? configuration.http2Port)
    }

    /// The credentials clients use; the FCM `token_uri` points at this simulator's bound port.
    public var credentials: SimulatorCredentials {
        credentials(port: state.withLock { $0.http1Port } ?? configuration.port)
    }

    func credentials(port: Int) -> SimulatorCredentials {
        var credentials = baseCredentials
        credentials.fcm.tokenURI = Self.origin(host: configuration.host, port: port) + "/fcm/token"
        return credentials
    }

    static func origin(host: String, port: Int) -> String {
        host.contains(":") ? "http://[\(host)]:\(port)" : "http://\(host):\(port)"
    }
}
