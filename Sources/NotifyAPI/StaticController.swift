import Hummingbird

/// The documents the binary carries: the staff console at /console and the API contract at /openapi.yaml.
struct StaticController {
    func register(on router: Router<AppRequestContext>) {
        router.get("console") { _, _ in
            Self.page(PackageResources.console_html, type: "text/html; charset=utf-8", extra: [
                // The page is self-contained: inline script and style, same-origin API calls, nothing else.
                .contentSecurityPolicy: "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
                .xFrameOptions: "DENY",
                .referrerPolicy: "no-referrer",
            ])
        }
        router.get("openapi.yaml") { _, _ in
            Self.page(PackageResources.openapi_yaml, type: "application/yaml; charset=utf-8")
        }
    }

    static func page(_ bytes: [UInt8], type: String, extra: HTTPFields = [:]) -> Response {
        var headers: HTTPFields = [.contentType: type, .cacheControl: "no-cache"]
        headers.append(contentsOf: extra)
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
