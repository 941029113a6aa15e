import Foundation
import NotifyCore

extension ConfigReader {
    /// The keys of this section, sorted, for sections that are maps of named entries.
    var keys: [String] { rawKeys.sorted() }

    /// A named entry of a map section.
    func child(_ name: String) throws(ConfigError) -> ConfigReader {
        var copy = self
        return try copy.section(name)
    }

    mutating func strings(_ name: String, default value: [String]) throws(ConfigError) -> [String] {
        guard let raw = try list(name) else { return value }
        var result: [String] = []
        for item in raw {
            guard let s = item as? String, !s.isEmpty else { throw .invalid(pathTo(name), "must be a list of file paths") }
            result.append(s)
        }
        return result
    }

    mutating func channels(_ name: String, default value: [Channel]) throws(ConfigError) -> [Channel] {
        guard let raw = try list(name) else { return value }
        var result: [Channel] = []
        for item in raw {
            guard let s = item as? String, let c = Channel(rawValue: s) else {
                throw .invalid(pathTo(name), "must list channels from sms, email, push, got '\(item)'")
            }
            guard !result.contains(c) else { throw .invalid(pathTo(name), "lists '\(s)' twice") }
            result.append(c)
        }
        return result
    }
}
