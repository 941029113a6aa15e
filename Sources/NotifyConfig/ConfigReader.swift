import Foundation

/// Reads typed values out of parsed YAML, remembering the key path so errors name it.
struct ConfigReader {
    let path: String
    private let values: [String: Any]
    private var seen: Set<String> = []

    init(_ values: [String: Any], path: String = "") {
        self.values = values
        self.path = path
    }

    private func key(_ name: String) -> String { path.isEmpty ? name : "\(path).\(name)" }

    func pathTo(_ name: String) -> String { key(name) }

    var rawKeys: Dictionary<String, Any>.Keys { values.keys }

    /// A YAML sequence, or nil when the key is absent.
    mutating func list(_ name: String) throws(ConfigError) -> [Any]? {
        seen.insert(name)
        guard let raw = values[name], !(raw is NSNull) else { return nil }
        guard let items = raw as? [Any] else { throw .invalid(key(name), "must be a list") }
        return items
    }

    mutating func section(_ name: String) throws(ConfigError) -> ConfigReader {
        seen.insert(name)
        guard let raw = values[name], !(raw is NSNull) else { return ConfigReader([:], path: key(name)) }
        guard let dict = raw as? [String: Any] else { throw .invalid(key(name), "must be a mapping of settings") }
        return ConfigReader(dict, path: key(name))
    }

    mutating func string(_ name: String, default value: String) throws(ConfigError) -> String {
        seen.insert(name)
        guard let raw = values[name], !(raw is NSNull) else { return value }
        if let s = raw as? String { return s }
        if let i = raw as? Int { return String(i) }
        if let d = raw as? Double { return String(d) }
        throw .invalid(key(name), "must be a string")
    }

    mutating func int(_ name: String, default value: Int, range: ClosedRange<Int>) throws(ConfigError) -> Int {
        seen.insert(name)
        guard let raw = values[name], !(raw is NSNull) else { return value }
        let parsed: Int? = (raw as? Int) ?? (raw as? String).flatMap { Int($0) }
        guard let n = parsed else { throw .invalid(key(name), "must be a whole number, got '\(raw)'") }
        guard range.contains(n) else { throw .invalid(key(name), "must be between \(range.lowerBound) and \(range.upperBound), got \(n)") }
        return n
    }

    mutating func bool(_ name: String, default value: Bool) throws(ConfigError) -> Bool {
        seen.insert(name)
        guard let raw = values[name], !(raw is NSNull) else { return value }
        if let b = raw as? Bool { return b }
        throw .invalid(key(name), "must be true or false, got '\(raw)'")
    }

    mutating func duration(_ name: String, default value: Duration, range: ClosedRange<Duration>) throws(ConfigError) -> Duration {
        seen.insert(name)
        guard let raw = values[name], !(raw is NSNull) else { return value }
        guard let d = DurationText.parse("\(raw)") else {
            throw .invalid(key(name), "must be a duration such as 500ms, 5s, 10m or 24h, got '\(raw)'")
        }
        guard range.contains(d) else {
            throw .invalid(key(name), "must be between \(DurationText.format(range.lowerBound)) and \(DurationText.format(range.upperBound))")
        }
        return d
    }

    mutating func choice<T: RawRepresentable>(_ name: String, default value: T) throws(ConfigError) -> T where T.RawValue == String, T: CaseIterable {
        let raw = try string(name, default: value.rawValue)
        guard let v = T(rawValue: raw) else {
            throw .invalid(key(name), "must be one of \(T.allCases.map(\.rawValue).joined(separator: ", ")), got '\(raw)'")
        }
        return v
    }

    /// Fails on keys nobody asked for: a typo must not be silently ignored.
    func rejectUnknownKeys() throws(ConfigError) {
        if let extra = values.keys.sorted().first(where: { !seen.contains($0) }) { throw .unknownKey(key(extra)) }
    }
}
