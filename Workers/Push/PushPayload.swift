import Foundation
import NotifyCore

/// JSON payloads for push providers, kept within each provider's size limit.
enum PushPayload {
    /// Compact JSON with sorted keys: deterministic, so every resend carries the same bytes.
    static func encode(_ value: JSONValue) throws -> [UInt8] { value.jsonBytes }

    /// `render(body)`, or the rendering of the longest prefix of `body` (ending in "…") that stays within `limit` bytes;
    /// nil when even an empty body is too big. A long text is better delivered shortened than not at all. A body that
    /// fits (nearly every one) is rendered once.
    static func fitted(_ body: String, limit: Int, render: (String) throws -> [UInt8]) rethrows -> [UInt8]? {
        let whole = try render(body)
        if whole.count <= limit { return whole }
        guard let shortened = try fitting(body, limit: limit, size: { try render($0).count }) else { return nil }
        return try render(shortened)
    }

    /// `body`, or the longest prefix of it (ending in "…") for which `size` stays within `limit` bytes;
    /// nil when even an empty body is too big.
    static func fitting(_ body: String, limit: Int, size: (String) throws -> Int) rethrows -> String? {
        if try size(body) <= limit { return body }
        let characters = Array(body)
        func shortened(_ count: Int) -> String { String(characters[..<count]) + "…" }
        // Each character adds at least one byte, so the size grows with the prefix: binary search.
        guard try size(shortened(0)) <= limit else { return nil }
        var fits = 0, tooBig = characters.count
        while tooBig - fits > 1 {
            let middle = (fits + tooBig) / 2
            if try size(shortened(middle)) <= limit { fits = middle } else { tooBig = middle }
        }
        return shortened(fits)
    }

    /// `data` as a JSON object of strings.
    static func object(_ data: [String: String]) -> JSONValue {
        .object(data.mapValues { .string($0) })
    }
}
