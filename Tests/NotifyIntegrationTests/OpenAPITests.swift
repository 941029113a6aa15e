import Foundation
import Hummingbird
import HummingbirdTesting
import NotifyAPI
import Testing

/// GET /openapi.yaml: the document the service serves names every route the router has, and nothing else.
@Suite(.serialized, .timeLimit(.minutes(1)))
struct OpenAPITests {
    /// (method, path) pairs of an OpenAPI document's `paths`, read off its indentation.
    static func operations(_ yaml: String) -> Set<String> {
        var result = Set<String>()
        var inPaths = false
        var path: String?
        for line in yaml.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if !line.hasPrefix(" ") && !line.isEmpty { inPaths = line == "paths:" }
            guard inPaths else { continue }
            if line.hasPrefix("  /"), line.hasSuffix(":"), !line.hasPrefix("   ") {
                path = String(line.dropFirst(2).dropLast()).trimmingCharacters(in: CharacterSet(charactersIn: "'\""))
            } else if let path, line.hasPrefix("    "), !line.hasPrefix("     ") {
                let key = line.trimmingCharacters(in: .whitespaces).dropLast()
                if ["get", "put", "post", "delete", "patch", "head"].contains(String(key)) { result.insert("\(key.uppercased()) \(path)") }
            }
        }
        return result
    }

    /// The router's routes in OpenAPI form (`:id` becomes `{id}`).
    static func served(_ router: Router<AppRequestContext>) -> Set<String> {
        Set(router.routes.map { route in
            let path = "\(route.path)".split(separator: "/").map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }.joined(separator: "/")
            return "\(route.method) /\(path)"
        })
    }

    @Test func everyRouteIsDocumentedAndEveryDocumentedPathServed() async throws {
        let env = try await TestEnvironment()
        defer { env.stop() }
        let router = buildRouter(env.deps)
        let served = Self.served(router)
        #expect(served.contains("POST /v1/events") && served.contains("GET /v1/admin/jobs/{jobId}"))
        try await Application(router: router).test(.router) { client in
            try await client.execute(uri: "/openapi.yaml", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("application/yaml") == true)
                let document = String(buffer: response.body)
                #expect(document.hasPrefix("openapi: 3.1") || document.contains("\nopenapi: 3.1"))
                let documented = Self.operations(document)
                #expect(documented.count > 30)
                #expect(served.subtracting(documented).sorted() == [], "served but not documented")
                #expect(documented.subtracting(served).sorted() == [], "documented but not served")
            }
        }
    }
}
