import Foundation

/// `application/x-www-form-urlencoded` parameters, in order (Twilio's receipts).
enum FormBody {
    static func parse(_ bytes: [UInt8]) -> [(name: String, value: String)] {
        String(decoding: bytes, as: UTF8.self).split(separator: "&").compactMap { pair in
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map { decode(String($0)) }
            guard let name = kv.first ?? nil else { return nil }
            return (name, kv.count > 1 ? (kv[1] ?? "") : "")
        }
    }

    private static func decode(_ s: String) -> String? {
        s.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }
}
