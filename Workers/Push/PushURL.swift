/// Checks on configured provider URLs.
enum PushURL {
    /// `url` without trailing slashes; it must be an absolute http(s) URL without spaces or control characters.
    static func base(_ url: String, provider: String, setting: String = "baseURL") throws(PushConfigurationError) -> String {
        let lower = url.lowercased()
        guard lower.hasPrefix("https://") || lower.hasPrefix("http://"), url.utf8.allSatisfy({ (0x21...0x7E).contains($0) }),
              !url.contains("?"), !url.contains("#") else {
            throw .invalid(provider, setting, "must be an http:// or https:// URL without query, got '\(url)'")
        }
        var trimmed = Substring(url)
        while trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        guard trimmed.count > lower.prefix(while: { $0 != ":" }).count + 3 else {
            throw .invalid(provider, setting, "must name a host, got '\(url)'")
        }
        return String(trimmed)
    }
}
