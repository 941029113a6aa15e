import Foundation
import Logging

/// One JSON object per line on stderr (`ts`, `level`, `msg`, `source`, `logger`, then the metadata), for log collectors.
struct JSONLogHandler: LogHandler {
    /// Each line is built whole and written under this lock, so lines from many threads never interleave.
    private static let lock = NSLock()

    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?

    init(label: String, metadataProvider: Logger.MetadataProvider? = nil) {
        self.label = label
        self.metadataProvider = metadataProvider
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var fields = metadata
        if let provided = metadataProvider?.get() { fields.merge(provided) { $1 } }
        if let explicit = event.metadata { fields.merge(explicit) { $1 } }
        // The type only: an error's description may carry what it failed on (an address, a token).
        if let error = event.error { fields["error"] = .string(String(describing: type(of: error))) }
        var out = "{\"ts\":\"\(Self.timestamp())\",\"level\":\"\(event.level.rawValue)\",\"msg\":"
        Self.append(string: event.message.description, to: &out)
        out += ",\"source\":"
        Self.append(string: event.source, to: &out)
        out += ",\"logger\":"
        Self.append(string: label, to: &out)
        for (key, value) in fields.sorted(by: { $0.key < $1.key }) {
            out += ","
            Self.append(string: key, to: &out)
            out += ":"
            Self.append(value: value, to: &out)
        }
        out += "}\n"
        let bytes = Array(out.utf8)
        Self.lock.withLock {
            var offset = 0
            while offset < bytes.count {
                let n = bytes[offset...].withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
                if n <= 0 { break }
                offset += n
            }
        }
    }

    private static func append(value: Logger.Metadata.Value, to out: inout String) {
        switch value {
        case .string(let s): append(string: s, to: &out)
        case .stringConvertible(let c): append(string: c.description, to: &out)
        case .array(let items):
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                append(value: item, to: &out)
            }
            out += "]"
        case .dictionary(let dict):
            out += "{"
            for (i, (k, v)) in dict.sorted(by: { $0.key < $1.key }).enumerated() {
                if i > 0 { out += "," }
                append(string: k, to: &out)
                out += ":"
                append(value: v, to: &out)
            }
            out += "}"
        }
    }

    /// A JSON string literal (RFC 8259 escaping).
    private static func append(string: String, to out: inout String) {
        out += "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }

    /// UTC, millisecond precision: 2026-11-23T18:54:38.123Z.
    private static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var t = now.tv_sec
        var parts = tm()
        gmtime_r(&t, &parts)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
                      Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), Int(now.tv_nsec / 1_000_000))
    }
}
