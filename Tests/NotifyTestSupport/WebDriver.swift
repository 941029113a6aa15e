import Foundation
import Synchronization
import Transport

/// A real headless Chromium driven over the W3C WebDriver protocol by Debian's chromedriver, for browser tests.
public final class WebDriver: Sendable {
    let driver: ManagedProcess
    let transport: CurlTransport
    let base: String

    /// Starts chromedriver on a free loopback port and opens a headless Chromium session.
    public static func start(language: String = "en-GB") async throws -> WebDriver {
        let executable = try ManagedProcess.resolve("chromedriver")
        let chromium = try ManagedProcess.resolve("chromium")
        let port = try Loopback.freePort()
        let dir = try Loopback.temporaryDirectory("nm-chrome")
        let process = try ManagedProcess(name: "chromedriver", executable: executable, arguments: ["--port=\(port)", "--allowed-ips=127.0.0.1"],
                                         workDir: dir)
        guard Loopback.waitUntil(timeout: 20, { Loopback.isListening(port: port) }) else {
            process.stop()
            throw TestSupportError("chromedriver did not listen on \(port): \(process.output)")
        }
        let driver = WebDriver(driver: process, base: "http://127.0.0.1:\(port)")
        let capabilities: [String: Any] = ["capabilities": ["alwaysMatch": ["goog:chromeOptions": [
            "binary": chromium,
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--lang=\(language)",
                     "--user-data-dir=\(dir.path)/profile", "--window-size=1280,900"],
        ] as [String: Any]]]]
        do {
            let session = try await driver.send("POST", "/session", capabilities, timeout: .seconds(60))
            guard let id = (session as? [String: Any])?["sessionId"] as? String else { throw TestSupportError("no WebDriver session: \(session)") }
            driver.session.withLock { $0 = id }
        } catch {
            await driver.quit()
            throw error
        }
        return driver
    }

    private let session = Mutex<String>("")

    private init(driver: ManagedProcess, base: String) {
        self.driver = driver
        self.transport = CurlTransport()
        self.base = base
    }

    /// Opens `url` and waits for it to load.
    public func open(_ url: String) async throws {
        _ = try await command("POST", "/url", ["url": url])
    }

    /// Runs `script` (a function body; `arguments` holds `args`) in the page and returns its result.
    @discardableResult
    public func run(_ script: String, _ args: [Any] = []) async throws -> Any {
        try await command("POST", "/execute/sync", ["script": script, "args": args])
    }

    /// Clicks the first element matching `css`.
    public func click(_ css: String) async throws {
        _ = try await command("POST", "/element/\(try await element(css))/click", [:])
    }

    /// Types `text` into the first element matching `css`, after clearing it.
    public func type(_ css: String, _ text: String) async throws {
        let id = try await element(css)
        _ = try await command("POST", "/element/\(id)/clear", [:])
        _ = try await command("POST", "/element/\(id)/value", ["text": text])
    }

    /// The visible text of the first element matching `css`.
    public func text(_ css: String) async throws -> String {
        try await command("GET", "/element/\(try await element(css))/text", nil) as? String ?? ""
    }

    /// Waits until `script` (a function body returning a value) returns something truthy; returns it.
    @discardableResult
    public func wait(for script: String, timeout: Duration = .seconds(15), _ what: String) async throws -> Any {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let value = try await run(script)
            if let b = value as? Bool, b { return b }
            if let n = value as? Int, n != 0 { return n }
            if let s = value as? String, !s.isEmpty { return s }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw TestSupportError("timed out waiting for \(what)")
    }

    /// Runs `body` with a fresh browser, and closes it however `body` ends.
    public static func with<T>(language: String = "en-GB", _ body: (WebDriver) async throws -> T) async throws -> T {
        let driver = try await start(language: language)
        do {
            let result = try await body(driver)
            await driver.quit()
            return result
        } catch {
            await driver.quit()
            throw error
        }
    }

    /// Ends the session and stops chromedriver (and its browser).
    public func quit() async {
        let id = session.withLock { $0 }
        if !id.isEmpty { _ = try? await send("DELETE", "/session/\(id)", nil, timeout: .seconds(10)) }
        driver.stop()
        transport.shutdown()
    }

    private func element(_ css: String) async throws -> String {
        let found = try await command("POST", "/element", ["using": "css selector", "value": css])
        guard let ref = (found as? [String: Any])?.values.first as? String else { throw TestSupportError("no element \(css)") }
        return ref
    }

    private func command(_ method: String, _ path: String, _ body: [String: Any]?) async throws -> Any {
        try await send(method, "/session/\(session.withLock { $0 })" + path, body)
    }

    private func send(_ method: String, _ path: String, _ body: [String: Any]?, timeout: Duration = .seconds(30)) async throws -> Any {
        let bytes = try body.map { Array(try JSONSerialization.data(withJSONObject: $0)) }
        let response = try await transport.execute(HTTPRequest(
            method: method, url: base + path, headers: [HTTPHeader(name: "Content-Type", value: "application/json")],
            body: bytes, timeout: timeout, httpVersion: .http1_1
        ))
        let json = try JSONSerialization.jsonObject(with: Data(response.body), options: [.fragmentsAllowed]) as? [String: Any] ?? [:]
        let value = json["value"] ?? NSNull()
        guard (200..<300).contains(response.status) else {
            let message = (value as? [String: Any])?["message"] as? String ?? "\(value)"
            throw TestSupportError("WebDriver \(method) \(path): \(response.status) \(message.prefix(500))")
        }
        return value
    }
}
