import Foundation

extension ConfigReader {
    mutating func double(_ name: String, default value: Double, range: ClosedRange<Double>) throws(ConfigError) -> Double {
        let raw = try string(name, default: String(value))
        guard let d = Double(raw), d.isFinite else { throw .invalid(pathTo(name), "must be a number, got '\(raw)'") }
        guard range.contains(d) else { throw .invalid(pathTo(name), "must be between \(range.lowerBound) and \(range.upperBound), got \(d)") }
        return d
    }
}
