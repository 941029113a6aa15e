import Foundation

/// The benchmark's human-readable lines, printed as each figure is measured.
struct BenchReport: Sendable {
    /// Where the lines go: stdout, or stderr when stdout carries the JSON summary.
    let toStderr: Bool

    /// Writes the JSON summary to `path`, or to stdout for "-"; nothing without a path.
    func summary(_ json: String, to path: String?) throws {
        guard let path else { return }
        let text = json + "\n"
        if path == "-" { FileHandle.standardOutput.write(Data(text.utf8)) } else { try text.write(toFile: path, atomically: true, encoding: .utf8) }
    }

    func line(_ text: String) {
        let data = Data((text + "\n").utf8)
        if toStderr { FileHandle.standardError.write(data) } else { FileHandle.standardOutput.write(data) }
    }

    /// `value` with `digits` decimals and thousands separated by commas (NumberFormatter's digit settings do not hold on Linux).
    static func number(_ value: Double, _ digits: Int = 0) -> String {
        let text = String(format: "%.\(digits)f", value)
        let parts = text.split(separator: ".", maxSplits: 1)
        var whole = String(parts[0])
        let sign = whole.hasPrefix("-") ? "-" : ""
        if !sign.isEmpty { whole.removeFirst() }
        var grouped = ""
        for (i, ch) in whole.enumerated() {
            if i > 0 && (whole.count - i) % 3 == 0 { grouped.append(",") }
            grouped.append(ch)
        }
        return sign + grouped + (parts.count > 1 ? "." + parts[1] : "")
    }

    static func bytes(_ value: Double) -> String {
        let mib = value / 1_048_576
        return mib >= 1024 ? "\(number(mib / 1024, 2)) GiB" : "\(number(mib, 1)) MiB"
    }
}
