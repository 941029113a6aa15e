import Foundation
import NotifyCore

extension ProvidersConfiguration {
    /// Reads the `providers` section; every error names its key.
    static func read(_ reader: ConfigReader) throws(ConfigError) -> ProvidersConfiguration {
        var r = reader
        var c = ProvidersConfiguration()
        c.sms = try readList(&r, "sms", channel: .sms)
        c.email = try readList(&r, "email", channel: .email)
        c.push = try readList(&r, "push", channel: .push)
        let names = (c.sms + c.email + c.push).map(\.name)
        if let dup = names.first(where: { n in names.filter { $0 == n }.count > 1 }) {
            throw .invalid(r.pathTo("\(dup)"), "provider names must be unique; '\(dup)' is used twice")
        }

        var f = try r.section("failover")
        c.failover.window = try f.duration("window", default: c.failover.window, range: .seconds(1) ... .seconds(3600))
        c.failover.threshold = try f.double("threshold", default: c.failover.threshold, range: 0.01...1)
        c.failover.minimumRequests = try f.int("minimumRequests", default: c.failover.minimumRequests, range: 1...100_000)
        c.failover.cooldown = try f.duration("cooldown", default: c.failover.cooldown, range: .zero ... .seconds(3600))
        c.failover.recovery = try f.duration("recovery", default: c.failover.recovery, range: .zero ... .seconds(3600))
        try f.rejectUnknownKeys()

        var retry = try r.section("retry")
        c.retry.base = try retry.duration("base", default: c.retry.base, range: .milliseconds(10) ... .seconds(3600))
        c.retry.cap = try retry.duration("cap", default: c.retry.cap, range: .milliseconds(10) ... .seconds(86400))
        try retry.rejectUnknownKeys()

        var sim = try r.section("simulator")
        c.simulator.mode = try sim.choice("mode", default: c.simulator.mode)
        c.simulator.port = try sim.int("port", default: c.simulator.port, range: 0...65535)
        c.simulator.http2Port = try sim.int("http2Port", default: c.simulator.http2Port, range: 0...65535)
        try sim.rejectUnknownKeys()
        try r.rejectUnknownKeys()
        return c
    }

    private static func readList(_ r: inout ConfigReader, _ name: String, channel: Channel) throws(ConfigError) -> [ProviderSettings] {
        guard let items = try r.list(name) else { return [] }
        var result: [ProviderSettings] = []
        for (i, item) in items.enumerated() {
            let path = "\(r.pathTo(name))[\(i)]"
            guard let dict = item as? [String: Any] else { throw .invalid(path, "must be a mapping with name and type") }
            var p = ConfigReader(dict, path: path)
            let providerName = try p.string("name", default: "")
            guard !providerName.isEmpty, providerName.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
                throw .invalid("\(path).name", "is required: letters, digits, '-' and '_'")
            }
            let kindText = try p.string("type", default: "")
            guard let kind = ProviderSettings.Kind(rawValue: kindText), kind.channel == channel else {
                let kinds = ProviderSettings.Kind.allCases.filter { $0.channel == channel }.map(\.rawValue).joined(separator: ", ")
                throw .invalid("\(path).type", "must be one of \(kinds), got '\(kindText)'")
            }
            var settings = ProviderSettings(name: providerName, kind: kind)
            settings.weight = try p.double("weight", default: 1, range: 0...1_000_000)
            settings.rate = try p.double("rate", default: 0, range: 0...1_000_000)
            settings.timeout = try p.duration("timeout", default: .seconds(10), range: .milliseconds(100) ... .seconds(600))
            for key in kind.required + kind.optional {
                let value: String
                switch dict[key] {
                case .some where key == "batchSize": value = String(try p.int(key, default: 1, range: 1...1000))
                case is [Any]: value = try p.strings(key, default: []).joined(separator: ",")
                case let b as Bool: value = try p.bool(key, default: b) ? "true" : "false"
                default: value = try p.string(key, default: "")
                }
                if !value.isEmpty { settings.options[key] = value }
            }
            if let missing = kind.required.first(where: { settings.options[$0] == nil }) {
                throw .invalid("\(path).\(missing)", "is required for \(kind.rawValue) providers")
            }
            try p.rejectUnknownKeys()
            result.append(settings)
        }
        return result
    }
}
