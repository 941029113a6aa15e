/// A subscription's endpoint URL, parsed strictly so that the host we check against the allowlist is
/// the host libcurl connects to: no user info, backslashes, spaces, control or non-ASCII characters.
struct WebPushEndpoint: Sendable, Equatable {
    /// The endpoint as given, to POST to.
    let url: String
    /// The host, lower-cased (an IPv6 literal keeps its brackets).
    let host: String
    /// `scheme://host[:port]` (default ports omitted): the VAPID audience.
    let origin: String

    /// Parses `text`; nil when it is not an https URL (or http when `allowHTTP`) with a plain host.
    init?(_ text: String, allowHTTP: Bool) {
        guard (1...2048).contains(text.utf8.count), text.utf8.allSatisfy({ (0x21...0x7E).contains($0) && $0 != UInt8(ascii: "\\") })
        else { return nil }
        let lower = text.lowercased()
        let scheme: String
        if lower.hasPrefix("https://") { scheme = "https" } else if allowHTTP && lower.hasPrefix("http://") { scheme = "http" } else { return nil }
        let rest = text.dropFirst(scheme.count + 3)
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard !authority.isEmpty, !authority.contains("@"), !authority.contains("%") else { return nil }

        var host = Substring(authority)
        var port: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            host = authority[...close]
            let after = authority[authority.index(after: close)...]
            guard after.isEmpty || after.hasPrefix(":") else { return nil }
            if !after.isEmpty { port = after.dropFirst() }
        } else if let colon = authority.firstIndex(of: ":") {
            host = authority[..<colon]
            port = authority[authority.index(after: colon)...]
        }
        let hostCharacters = host.hasPrefix("[") ? host.dropFirst().dropLast() : host
        guard !hostCharacters.isEmpty, hostCharacters.unicodeScalars.allSatisfy({ scalar in
            host.hasPrefix("[") ? scalar.properties.isASCIIHexDigit || scalar == ":" || scalar == "."
                : scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "-" || scalar == "."
        }) else { return nil }
        var portNumber: Int?
        if let port {
            guard port.allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int(port), (1...65535).contains(number) else { return nil }
            portNumber = number
        }
        let defaultPort = scheme == "https" ? 443 : 80
        let lowerHost = host.lowercased()
        self.url = text
        self.host = lowerHost
        if let portNumber, portNumber != defaultPort {
            self.origin = "\(scheme)://\(lowerHost):\(portNumber)"
        } else {
            self.origin = "\(scheme)://\(lowerHost)"
        }
    }
}
