import Metrics
import Prometheus

extension PrometheusMetricsFactory {
    /// A factory writing to `registry`, with names and label names made valid for Prometheus
    /// (Hummingbird's `http.server.request.duration` becomes `http_server_request_duration`).
    public static func notifyMe(registry: PrometheusCollectorRegistry) -> PrometheusMetricsFactory {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.nameAndLabelSanitizer = { name, labels in
            (sanitize(name), labels.map { (sanitize($0.0), $0.1) })
        }
        factory.defaultDurationHistogramBuckets = [
            .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
            .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2), .seconds(5), .seconds(10),
        ]
        return factory
    }

    /// Runs on every metric handle made (several per notification), so it works on bytes and leaves a valid name as it is.
    static func sanitize(_ name: String) -> String {
        func valid(_ b: UInt8) -> Bool { (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || (b >= 0x30 && b <= 0x39) || b == 0x5F || b == 0x3A }
        if name.utf8.allSatisfy(valid) { return name }
        return String(name.map { $0.asciiValue.map(valid) ?? false ? $0 : "_" })
    }
}
