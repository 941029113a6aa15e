/// Parses Redis URLs by hand: Foundation's URL accepts too much (and too little for `unix:`).
enum RedisURLParser {
    struct Parsed {
        var endpoint: RedisConfiguration.Endpoint
        var username: String?
        var password: String?
        var database = 0
        var clusterSeeds: [RedisConfiguration.Endpoint] = []
    }

    static func parse(_ url: String) throws(RedisError) -> Parsed {
        let trimmed = url.trimmingWhitespace
        guard let schemeEnd = trimmed.firstRange(of: "://") else {
            throw .configuration("URL has no scheme: expected redis://host:port/db or unix:///path")
        }
        let scheme = trimmed[..<schemeEnd.lowerBound].lowercased()
        let rest = trimmed[schemeEnd.upperBound...]
        switch scheme {
        case "redis": return try parseNetwork(rest, cluster: false)
        case "redis+cluster": return try parseNetwork(rest, cluster: true)
        case "unix": return try parseUnix(rest)
        case "rediss": throw .configuration("rediss:// (TLS) is not supported by this client")
        default: throw .configuration("unsupported URL scheme '\(scheme)': use redis://, redis+cluster:// or unix://")
        }
    }

    /// `[user:password@]host:port[/db][?...]`; for a cluster, `host:port,host:port` (seeds), and database 0 alone.
    private static func parseNetwork(_ rest: Substring, cluster: Bool) throws(RedisError) -> Parsed {
        let (beforeQuery, query) = split(rest, at: "?")
        let (authority, path) = splitPath(beforeQuery)
        var hosts = authority
        var username: String?
        var password: String?
        if let at = authority.lastIndex(of: "@") {
            (username, password) = try parseUserInfo(authority[..<at])
            hosts = authority[authority.index(after: at)...]
        }
        var endpoints: [RedisConfiguration.Endpoint] = []
        for hostPort in cluster ? hosts.split(separator: ",", omittingEmptySubsequences: false) : [hosts] {
            let (host, port) = try parseHostPort(hostPort)
            endpoints.append(.tcp(host: host, port: port))
        }
        guard let first = endpoints.first else { throw .configuration("URL has no host") }
        var parsed = Parsed(endpoint: first, username: username, password: password, clusterSeeds: cluster ? endpoints : [])
        if !path.isEmpty {
            parsed.database = try parseDatabase(path, what: "database in the URL path")
        }
        try apply(query: query, to: &parsed)
        if cluster && parsed.database != 0 { throw .configuration("a Redis Cluster has only database 0") }
        return parsed
    }

    private static func parseUnix(_ rest: Substring) throws(RedisError) -> Parsed {
        let (beforeQuery, query) = split(rest, at: "?")
        var pathPart = beforeQuery
        var username: String?
        var password: String?
        // unix://[user:pass@]/path: credentials before the absolute path.
        if !pathPart.hasPrefix("/"), let at = pathPart.firstIndex(of: "@") {
            (username, password) = try parseUserInfo(pathPart[..<at])
            pathPart = pathPart[pathPart.index(after: at)...]
        }
        guard pathPart.hasPrefix("/"), pathPart.count > 1 else {
            throw .configuration("unix URL needs an absolute socket path: unix:///path/to/redis.sock")
        }
        guard let path = percentDecode(pathPart) else { throw .configuration("bad percent-encoding in the socket path") }
        var parsed = Parsed(endpoint: .unix(path: path), username: username, password: password)
        try apply(query: query, to: &parsed)
        return parsed
    }

    private static func parseUserInfo(_ info: Substring) throws(RedisError) -> (String?, String?) {
        guard let colon = info.firstIndex(of: ":") else {
            // A lone value is a password (redis://secret@host), as most Redis clients read it.
            guard let password = percentDecode(info) else { throw .configuration("bad percent-encoding in the password") }
            return (nil, password.isEmpty ? nil : password)
        }
        guard let user = percentDecode(info[..<colon]), let password = percentDecode(info[info.index(after: colon)...]) else {
            throw .configuration("bad percent-encoding in the user or password")
        }
        return (user.isEmpty ? nil : user, password.isEmpty ? nil : password)
    }

    private static func parseHostPort(_ text: Substring) throws(RedisError) -> (String, Int) {
        var host: Substring
        var portText: Substring?
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { throw .configuration("unclosed '[' in an IPv6 host") }
            host = text[text.index(after: text.startIndex)..<close]
            let after = text[text.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw .configuration("unexpected text after the IPv6 host") }
                portText = after.dropFirst()
            }
        } else if let colon = text.lastIndex(of: ":") {
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        } else {
            host = text
        }
        guard !host.isEmpty else { throw .configuration("URL has no host") }
        guard host.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == ":" || $0 == "_" }) else {
            throw .configuration("invalid host '\(host)'")
        }
        var port = 6379
        if let portText {
            guard let value = Int(portText), (1...65535).contains(value) else {
                throw .configuration("invalid port '\(portText)': expected 1-65535")
            }
            port = value
        }
        return (String(host), port)
    }

    private static func parseDatabase(_ text: Substring, what: String) throws(RedisError) -> Int {
        guard let value = Int(text), value >= 0 else {
            throw .configuration("invalid \(what) '\(text)': expected a number >= 0")
        }
        return value
    }

    private static func apply(query: Substring?, to parsed: inout Parsed) throws(RedisError) {
        guard let query, !query.isEmpty else { return }
        for pair in query.split(separator: "&") {
            let (key, value) = split(pair, at: "=")
            guard let value, let decoded = percentDecode(value) else {
                throw .configuration("query parameter '\(key)' needs a value")
            }
            switch key {
            case "db": parsed.database = try parseDatabase(decoded[...], what: "db parameter")
            case "password": parsed.password = decoded.isEmpty ? nil : decoded
            case "user", "username": parsed.username = decoded.isEmpty ? nil : decoded
            default: throw .configuration("unknown query parameter '\(key)': expected db, password or user")
            }
        }
    }

    /// Splits at the first `separator`; the second part is nil when it is absent.
    private static func split(_ text: Substring, at separator: Character) -> (Substring, Substring?) {
        guard let index = text.firstIndex(of: separator) else { return (text, nil) }
        return (text[..<index], text[text.index(after: index)...])
    }

    /// `host:port/db` into authority and the path without its slash.
    private static func splitPath(_ text: Substring) -> (Substring, Substring) {
        // The userinfo may contain '/', so look for the path only after the last '@'.
        let searchStart = text.lastIndex(of: "@").map { text.index(after: $0) } ?? text.startIndex
        guard let slash = text[searchStart...].firstIndex(of: "/") else { return (text, "") }
        return (text[..<slash], text[text.index(after: slash)...])
    }

    static func percentDecode(_ text: Substring) -> String? {
        guard text.contains("%") else { return String(text) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else { return nil }
            bytes.append(high << 4 | low)
        }
        return RedisValue.utf8String(bytes)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

extension String {
    fileprivate var trimmingWhitespace: Substring {
        var text = self[...]
        while let first = text.first, first.isWhitespace { text = text.dropFirst() }
        while let last = text.last, last.isWhitespace { text = text.dropLast() }
        return text
    }
}
