import Foundation
import NotifyCore
import NotifyStore
import Testing

/// One-click unsubscribe links (RFC 8058) from email for optional categories.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct UnsubscribeTests {
    @Test func postUnsubscribesGetDoesNotAndForgedLinksAreRefused() async throws {
        try await ResidentTestKit.with { kit, client in
            _ = try await kit.put(client, "/v1/me/contact", #"{"email":"fatima@example.bh","language":"en"}"#)
            let links = UnsubscribeLinks(cipher: kit.env.deps.cipher, baseURL: "https://notify.example.bh")
            let url = try links.url(cpr: kit.cpr, category: "traffic", channel: .email)
            let path = String(url.dropFirst("https://notify.example.bh".count))

            // A mail scanner following the link only sees a page.
            let page = try await client.execute(uri: path, method: .get) { ($0.status, String(buffer: $0.body)) }
            #expect(page.0 == .ok)
            #expect(page.1.contains("method=\"post\""))
            var (_, subs) = try await kit.get(client, "/v1/me/subscriptions")
            #expect((subs["categories"] as? [String: [String: Bool]])?["traffic"]?["email"] == true)

            let status = try await client.execute(uri: path, method: .post, body: Req.body("List-Unsubscribe=One-Click")) { $0.status }
            #expect(status == .ok)
            (_, subs) = try await kit.get(client, "/v1/me/subscriptions")
            #expect((subs["categories"] as? [String: [String: Bool]])?["traffic"]?["email"] == false)
            let (_, ledger) = try await kit.get(client, "/v1/me/consents")
            let last = try #require((ledger["items"] as? [[String: Any]])?.last)
            #expect(last["category"] as? String == "traffic" && last["granted"] as? Bool == false && last["source"] as? String == "resident")

            let forged = try await client.execute(uri: "/v1/unsubscribe/\(Base64URL.encode(Array("880101234 email traffic".utf8)))", method: .post) { $0.status }
            #expect(forged == .notFound)
            // Mandatory categories cannot be left, even with a genuine link.
            let mandatory = try links.url(cpr: kit.cpr, category: "security", channel: .email)
            let refused = try await client.execute(uri: String(mandatory.dropFirst("https://notify.example.bh".count)), method: .post) { $0.status }
            #expect(refused == .notFound)
        }
    }
}
