import Foundation
import NotifyCore

/// The body of PUT /v1/callback.
struct CallbackRequest: Decodable {
    static let fields: Set<String> = ["url", "secret"]

    var url: String
    var secret: String

    /// https, or http on loopback only (local development), and a secret long enough to sign with.
    func validated() throws {
        var problems: [FieldError] = []
        let parts = URLComponents(string: url)
        let host = parts?.host ?? ""
        let loopback = host == "127.0.0.1" || host == "localhost" || host == "::1"
        if url.unicodeScalars.count > 2048 || host.isEmpty || !(parts?.scheme == "https" || (parts?.scheme == "http" && loopback)) {
            problems.append(FieldError(field: "url", detail: "must be an https:// URL (http:// only on localhost), at most 2048 characters"))
        }
        // Counted in code points, as the schema's minLength and maxLength are: "16 characters" of UTF-8 bytes let a
        // 12-character secret through.
        if secret.unicodeScalars.count < 16 || secret.unicodeScalars.count > 256 {
            problems.append(FieldError(field: "secret", detail: "must be 16 to 256 characters"))
        }
        guard problems.isEmpty else { throw NotifyError.invalid(problems) }
    }
}
