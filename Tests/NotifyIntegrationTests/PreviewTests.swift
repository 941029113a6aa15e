import Foundation
import Hummingbird
import HummingbirdTesting
import NotifyAPI
import Testing

/// POST /v1/templates/{eventType}/preview: the rendering and the SMS figures, scoped like publishing.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct PreviewTests {
    static let fine = #""data":{"amount":"20.000","plate":"12345","date":"20/11/2026","violation":"speeding","reference":"F-1"}"#

    func withApp(_ body: @escaping @Sendable (String, any TestClientProtocol) async throws -> Void) async throws {
        let env = try await TestEnvironment()
        defer { env.stop() }
        let key = try await env.entityKey("moi.traffic", patterns: "traffic.*")
        try await Application(router: buildRouter(env.deps)).test(.router) { client in try await body(key, client) }
    }

    static func preview(_ client: any TestClientProtocol, _ key: String, type: String = "traffic.fine-issued", _ body: String) async throws -> (HTTPResponse.Status, [String: Any]) {
        try await client.execute(uri: "/v1/templates/\(type)/preview", method: .post, headers: Req.headers(key), body: Req.body(body)) {
            ($0.status, Req.json($0.body))
        }
    }

    @Test func smsPreviewCountsEncodingAndSegments() async throws {
        try await withApp { key, client in
            let (en, english) = try await Self.preview(client, key, #"{"language":"en","channel":"sms",\#(Self.fine)}"#)
            #expect(en == .ok)
            #expect((english["body"] as? String)?.contains("12345") == true)
            let sms = try #require(english["sms"] as? [String: Any])
            #expect(sms["encoding"] as? String == "GSM-7")
            #expect(sms["segments"] as? Int == 1)
            #expect(sms["characters"] as? Int == (english["body"] as? String)?.count)

            let (ar, arabic) = try await Self.preview(client, key, #"{"language":"ar","channel":"sms",\#(Self.fine)}"#)
            #expect(ar == .ok)
            let arSMS = try #require(arabic["sms"] as? [String: Any])
            #expect(arSMS["encoding"] as? String == "UCS-2")
            let characters = try #require(arSMS["characters"] as? Int)
            #expect(arSMS["segments"] as? Int == (characters <= 70 ? 1 : (characters + 66) / 67))
        }
    }

    @Test func emailPreviewHasSubjectAndBothParts() async throws {
        try await withApp { key, client in
            let (status, json) = try await Self.preview(client, key, #"{"language":"ar","channel":"email",\#(Self.fine)}"#)
            #expect(status == .ok)
            #expect((json["subject"] as? String)?.isEmpty == false)
            #expect((json["html"] as? String)?.contains("dir=\"rtl\"") == true)
            #expect(json["sms"] == nil)
        }
    }

    @Test func badPreviewsAreRefused() async throws {
        try await withApp { key, client in
            let (missing, m) = try await Self.preview(client, key, #"{"language":"en","channel":"sms","data":{"amount":"1"}}"#)
            #expect(missing == .unprocessableContent)
            #expect(PublishingTests.fields(m).contains("data.plate"))
            let (badChannel, c) = try await Self.preview(client, key, type: "traffic.fine-issued", #"{"language":"fr","channel":"fax",\#(Self.fine)}"#)
            #expect(badChannel == .unprocessableContent)
            #expect(Set(PublishingTests.fields(c)) == ["language", "channel"])
            let (scope, _) = try await Self.preview(client, key, type: "emergency.alert", #"{"language":"en","channel":"sms","data":{}}"#)
            #expect(scope == .forbidden)
            let (unknown, _) = try await Self.preview(client, key, type: "no.such", #"{"language":"en","channel":"sms","data":{}}"#)
            #expect(unknown == .notFound)
        }
    }
}
