import Foundation

/// `application/x-www-form-urlencoded` bodies (Twilio requests and status callbacks).
enum FormEncoding {
    /// Name/value pairs in body order; `+` is a space, `%XX` is a byte.
    static func decode(_ body: some Collection<UInt8>) -> [(name: String, value: String)] {
        String(decoding: body, as: UTF8.self).split(separator: "&").compactMap { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let rawName = parts.first, !rawName.isEmpty else { return nil }
            let rawValue = parts.count > 1 ? parts[1] : ""
            return (unescape(rawName), unescape(rawValue))
        }
    }

    /// The first value of each name.
    static func dictionary(_ body: some Collection<UInt8>) -> [String: String] {
        var result: [String: String] = [:]
        for (name, value) in decode(body) where result[name] == nil { result[name] = value }
        return result
    }

    static func encode(_ pairs: [(name: String, value: String)]) -> String {
        pairs.map { "\(escape($0.name))=\(escape($0.value))" }.joined(separator: "&")
    }

    private static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    private static func escape(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
    }

    private static func unescape(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }
}
