import Foundation
import JWTKit
import NotifyCore
import Synchronization
import Testing
import Transport
@testable import NotifyWorkers

@Suite struct FCMAdapterTests {
    static let token = "fcm-registration-token:APA91bHun4MxP5egoKMwt2KZFBaFUH"
    static let account: FCMServiceAccount? = try? FCMServiceAccount(json: PushTestKeys.serviceAccountJSON())

    func adapter(_ http: PushStubHTTP, base: String = "http://127.0.0.1:4012/fcm") throws -> FCMAdapter {
        try FCMAdapter(configuration: FCMConfiguration(baseURL: base, serviceAccountFile: ""), serviceAccount: #require(Self.account), transport: http)
    }

    func device() throws -> Device { try Device(id: "d1", platform: .fcm, token: Self.token, subscription: nil, createdAt: Date()) }

    @Test func sendsTheV1MessageWithABearerToken() async throws {
        let google = FakeGoogle()
        let accepted = try await adapter(google.http).send(pushMessage(to: Self.token, device: device(), urgent: true))
        #expect(accepted.messageId == "projects/notifyme-test/messages/0:1500415314455276%31bd1c9631bd1c96")
        let send = try #require(google.http.requests.last)
        #expect(send.url == "http://127.0.0.1:4012/fcm/v1/projects/notifyme-test/messages:send")
        #expect(send.headerValue("Authorization") == "Bearer ya29.token-1")
        let message = try #require(send.jsonObject["message"] as? [String: Any])
        #expect(message["token"] as? String == Self.token)
        #expect(message["notification"] as? [String: String] == ["title": "Permit", "body": "Your permit is ready"])
        #expect(message["data"] as? [String: String] == ["notificationId": "n1", "eventType": "permit.ready"])
        let android = try #require(message["android"] as? [String: Any])
        #expect(android["priority"] as? String == "high")
        // The same tag on every attempt at this notification: a resend replaces what the device shows.
        let tag = try #require(android["collapse_key"] as? String)
        #expect((android["notification"] as? [String: String]) == ["tag": tag])
        let apns = try #require(message["apns"] as? [String: [String: String]])
        #expect(apns["headers"]?["apns-priority"] == "10")
        #expect(apns["headers"]?["apns-collapse-id"] == tag)
        _ = try await adapter(google.http).send(pushMessage(to: Self.token, device: device(), urgent: true))
        let again = try #require(google.http.requests.last?.jsonObject["message"] as? [String: Any])
        #expect((again["android"] as? [String: Any])?["collapse_key"] as? String == tag)
    }

    static func googleError(_ code: Int, _ status: String, _ errorCode: String?) -> String {
        let details = errorCode.map { #","details":[{"@type":"type.googleapis.com/google.firebase.fcm.v1.FcmError","errorCode":"\#($0)"}]"# } ?? ""
        return #"{"error":{"code":\#(code),"message":"The registration token fcm-registration-token:APA91 is not valid","status":"\#(status)"\#(details)}}"#
    }

    @Test(arguments: [
        (404, "NOT_FOUND", "UNREGISTERED", ProviderError.Kind.deadRecipient),
        (403, "PERMISSION_DENIED", "SENDER_ID_MISMATCH", .deadRecipient),
        (400, "INVALID_ARGUMENT", "INVALID_ARGUMENT", .permanent),
        (400, "INVALID_ARGUMENT", nil, .permanent),
        (429, "RESOURCE_EXHAUSTED", "QUOTA_EXCEEDED", .transient),
        (503, "UNAVAILABLE", "UNAVAILABLE", .transient),
        (500, "INTERNAL", "INTERNAL", .transient),
        (401, "UNAUTHENTICATED", nil, .transient),
        (401, "UNAUTHENTICATED", "THIRD_PARTY_AUTH_ERROR", .permanent),
        (502, "", nil, .transient),
    ] as [(Int, String, String?, ProviderError.Kind)])
    func errorsAreClassifiedByErrorCodeThenStatus(status: Int, googleStatus: String, errorCode: String?, kind: ProviderError.Kind) {
        let body = googleStatus.isEmpty ? "<html>Bad Gateway</html>" : Self.googleError(status, googleStatus, errorCode)
        let error = FCMAdapter.classify(pushResponse(status, body, headers: ["Retry-After": "30"]), provider: "fcm")
        #expect(error.kind == kind)
        #expect(!error.detail.contains("APA91") && !error.detail.contains("registration token"))
        if let errorCode { #expect(error.detail.contains(errorCode)) }
        if kind == .transient { #expect(error.retryAfter == .seconds(30)) }
    }

    @Test func reservedDataKeysAreLeftOutAndLongBodiesShortened() async throws {
        let google = FakeGoogle()
        var message = pushMessage(to: Self.token, device: try device(), body: String(repeating: "x", count: 6000))
        message.data["google.c.a.e"] = "1"
        message.data["from"] = "x"
        _ = try await adapter(google.http).send(message)
        let sent = try #require(google.http.requests.last?.jsonObject["message"] as? [String: Any])
        #expect(Set((sent["data"] as? [String: String] ?? [:]).keys) == ["notificationId", "eventType"])
        let body = try #require((sent["notification"] as? [String: String])?["body"])
        #expect(body.hasSuffix("…") && body.count > 3800 && body.count < 4000)
    }

    @Test func aBodyWithinTheLimitIsSentWholeThoughTheMessageAroundItIsLonger() async throws {
        // The limit counts the notification and data, not the token, tag and priorities the request adds around them.
        let google = FakeGoogle()
        let text = String(repeating: "y", count: 3800)
        _ = try await adapter(google.http).send(pushMessage(to: Self.token, device: try device(), body: text))
        let request = try #require(google.http.requests.last)
        #expect((request.body?.count ?? 0) > FCMAdapter.payloadLimit)
        let sent = try #require(request.jsonObject["message"] as? [String: Any])
        #expect((sent["notification"] as? [String: String])?["body"] == text)
    }

    @Test func serviceAccountProblemsNameTheFieldNotTheValue() throws {
        #expect { try FCMServiceAccount(json: PushTestKeys.serviceAccountJSON(projectId: "")) } throws: { error in
            "\(error)".contains("project_id")
        }
        #expect { try FCMServiceAccount(json: Array(#"{"project_id":"p","client_email":"a@b","private_key":"secret-not-a-key"}"#.utf8)) } throws: { error in
            (error as? PushConfigurationError)?.isInvalidKey == true && !"\(error)".contains("secret-not-a-key")
        }
        let missing = try pushTemporaryPath("sa.json")
        #expect { try FCMAdapter(configuration: FCMConfiguration(serviceAccountFile: missing), transport: PushStubHTTP(status: 200)) }
            throws: { error in (error as? PushConfigurationError)?.isUnreadableFile == true }
    }
}
