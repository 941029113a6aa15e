import Foundation

/// The push service hosts Web Push messages may be sent to. Endpoints come from residents' browsers,
/// so without this check anyone could make the server POST to any host (server-side request forgery).
struct WebPushAllowlist: Sendable {
    private let exact: Set<String>
    private let suffixes: [String]

    /// `patterns` are host names, or `*.domain` for any host below `domain` (not `domain` itself).
    init(_ patterns: [String]) {
        var exact: Set<String> = []
        var suffixes: [String] = []
        for pattern in patterns.map({ $0.lowercased().trimmingCharacters(in: .whitespaces) }) where !pattern.isEmpty {
            if pattern.hasPrefix("*.") { suffixes.append(String(pattern.dropFirst(1))) } else { exact.insert(pattern) }
        }
        self.exact = exact
        self.suffixes = suffixes
    }

    /// Whether `host` (lower-cased, as ``WebPushEndpoint`` gives it) may be sent to.
    func allows(_ host: String) -> Bool {
        if exact.contains(host) { return true }
        return suffixes.contains { host.hasSuffix($0) && host.count > $0.count }
    }
}
