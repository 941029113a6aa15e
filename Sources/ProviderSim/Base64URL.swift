import Foundation

/// Unpadded base64url (RFC 4648 §5), as JWTs and Web Push keys use it.
enum Base64URL {
    static func encode(_ bytes: some Sequence<UInt8>) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Accepts padded or unpadded input; nil when it is not base64url.
    static func decode(_ text: some StringProtocol) -> [UInt8]? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        if base64.contains("=") == false {
            base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        }
        return Data(base64Encoded: base64).map { [UInt8]($0) }
    }
}
