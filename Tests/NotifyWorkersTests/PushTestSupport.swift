import Crypto
import Foundation
import JWTKit
import NotifyCore
import NotifyTestSupport
import Synchronization
import Transport
@testable import NotifyWorkers

/// Answers push adapter requests from a handler and records them.
final class PushStubHTTP: PushHTTPClient {
    private let handler: @Sendable (HTTPRequest) async throws -> HTTPResponse
    private let recorded = Mutex<[HTTPRequest]>([])

    init(_ handler: @escaping @Sendable (HTTPRequest) async throws -> HTTPResponse) { self.handler = handler }

    /// Answers every request with `status`, `body` and `headers`.
    convenience init(status: Int, body: String = "", headers: [String: String] = [:]) {
        self.init { _ in HTTPResponse(status: status, headers: headers.map { HTTPHeader(name: $0.key, value: $0.value) }, body: Array(body.utf8)) }
    }

    var requests: [HTTPRequest] { recorded.withLock { $0 } }

    func execute(_ request: HTTPRequest) async throws -> HTTPResponse {
        recorded.withLock { $0.append(request) }
        return try await handler(request)
    }
}

extension HTTPRequest {
    func headerValue(_ name: String) -> String? { headers.first { $0.name.lowercased() == name.lowercased() }?.value }
    var jsonObject: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body ?? []))) as? [String: Any] ?? [:] }
}

func pushResponse(_ status: Int, _ body: String = "", headers: [String: String] = [:]) -> HTTPResponse {
    HTTPResponse(status: status, headers: headers.map { HTTPHeader(name: $0.key, value: $0.value) }, body: Array(body.utf8))
}

func pushMessage(to: String, device: Device? = nil, key: String = "n1:d1", urgent: Bool = false, body: String = "Your permit is ready") -> OutboundMessage {
    OutboundMessage(notificationId: "n1", channel: .push, eventType: "permit.ready", to: to, device: device, subject: "Permit",
                    body: body, data: ["notificationId": "n1", "eventType": "permit.ready"], idempotencyKey: key, urgent: urgent)
}

/// Decodes a JWT's header or payload segment.
func pushJWTSegment(_ jwt: String, _ index: Int) -> [String: Any] {
    let parts = jwt.split(separator: ".").map(String.init)
    guard parts.count == 3, let bytes = Base64URL.decode(parts[index]) else { return [:] }
    return (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any] ?? [:]
}

/// `name` in a fresh folder that is removed with the test process's scratch root.
func pushTemporaryPath(_ name: String) throws -> String {
    try Loopback.temporaryDirectory("nm-push").appendingPathComponent(name).path
}

/// A clock tests move by hand.
final class PushTestClock: Sendable {
    private let current: Mutex<Date>
    init(_ start: Date = Date(timeIntervalSince1970: 1_750_000_000)) { current = Mutex(start) }
    var now: Date { current.withLock { $0 } }
}

enum PushTestKeys {
    /// A 2048-bit RSA key in PKCS#8 PEM, as Google service-account files carry; for tests only.
    static let rsaPEM = """
        -----BEGIN PRIVATE KEY-----
        MIIEvwIBADANBgkqhkiG9w0BAQEFAASCBKkwggSlAgEAAoIBAQC8ZFnZRo6Y4vEn
        kV8BRcslHm26nJ/jdgVpnmxpOnd0CI/mwgAPdojOUzzQ0ofaaqrw8Q6vdzF7vn+0
        mkTS+BE02e4ze+Kkd7DBknxS7aBY3U8B/krh2Bmu0jbnU/yZUAjRUIVABjyA29JQ
        Xo5jxuvD9Xxfb8WmN9+RcjKIlpVfHjRDr2Fvh0KigP8HBdzsmKaAo5Q3oCt/Rx9N
        ZhEJH/CNh427l4kmEOiPaIR8BMMkTOET6AhArDzVvZGFd5V7IO6IPmHuBTerQtnC
        w5TyArjAu25ufr6jEEsQ5tqlH/VXeQxQ4fBWHfpfzWrsBhIf9byGHN24rJKRlwjE
        5+2pvN8lAgMBAAECggEAKM5lxdHqJkSV7remx/xJpdci9nZhjZ/tSTTnD5357NjD
        7rxbzf2jYWmXNTY89fr/3uOgBjK/tamMON7nhHj2JSgFWAKAE5bXYv5rTn0pK8Z4
        DBr8NlIcMglXmiDPiJfU6R3TVwxiw5iZxA3PMt6OB+qfD38C5V+Z3gPJ3VscrLbb
        ag14jhCBdWNKgKySHU7dbrr3m3XrovYFPPBXREcYjoysjHS1pCOB0SjSngutjOf8
        V3IRKOiJrSJI2SzW0RJ7Nx0vih+Wsn2KZ0c61sLGxtPLyMSDQf8DIUz4xqgxENjI
        eDDOovOWkRo2diqYS0lkG4y+Xhc1Sxp7mnORKc/t6wKBgQDlXPU1agSOYbY+W9zs
        32yGpsv1eDak0+O3j2wwhuraeFv5jIfWJ3cwlZGE4ktotTpQHrtf6ryZ2SbD2e3R
        VoPbS1VlXSty5PbmAoliql1lnhcG5ftm+/Qc0BQ+YNNp+9cDic2xr6LsbsFxnDXD
        ghYndfrUqIXfjZsSkoNb23J8qwKBgQDSRU7ZsjqfTLU43XSA5I0pEIXW4STjKIy1
        UMnbqhUv8x47ZEQBNdFKdlDylRfQIWixDN0Uxhy/NOQ9wFrZ5wpfkto0fgn8SA4i
        SBVMBf3KDtJX/vRJxDrc8RohpKCoznwFrSHhp2fGodY/8ZOdYb68R11JhzfxF3Ji
        8T4MD0hzbwKBgQCWE4cW1jH5ABKBJxadn2uhh445JdmLbGG6AAxojD8riEmWNc/D
        3rrsfVFkQ7XX440uU42DK1MQz7e/ut8TdKp+WQKdeqMtYIf05IAEoTjPfuvORbmE
        HyQRnk1Aq5Zp6LE9zXNb6nKOhcHplq7PKFVaqKXhdAt0xXFMa7Wr6yE0VQKBgQC8
        ohKnt31htWYKGplOnDqKsVjwOVBnPNRmQJCmMIILXxYq/7sGPup/236o8NnJDH+n
        /btDzKqzWda8ExktzFgA/3QjjUKWAWo0lOgOKH3Ry9QlvwIWPyTzWpQvxEmgxoR6
        byQrFIxDpKHZAXaExNBghcEJmnW0Im2ql3MrTHaZnwKBgQCVDb2IxNS4Xy6gHWun
        lpQQ3CH2d8jU5Bwne7gYOaP8l+Al094Qng/gK0g0Ow9tSL/OqVhdcU3CxublXNyV
        IUjEJzPN9CPIBItgJVvngevV+JxkiMZgg2bZ2jUZklwkQ6/B3gqtRKZPUTeSJsvM
        /K5IxYuYof9lSFnbvSmqq0j0yw==
        -----END PRIVATE KEY-----
        """

    static func serviceAccountJSON(projectId: String = "notifyme-test", tokenURI: String = "http://127.0.0.1:9/token") -> [UInt8] {
        let object: [String: String] = [
            "type": "service_account", "project_id": projectId, "private_key_id": "key-1", "private_key": rsaPEM,
            "client_email": "push@notifyme-test.iam.gserviceaccount.com", "token_uri": tokenURI,
        ]
        return [UInt8]((try? JSONSerialization.data(withJSONObject: object)) ?? Data())
    }
}
