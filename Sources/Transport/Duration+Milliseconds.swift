extension Duration {
    /// Whole milliseconds, at least 1 for any positive duration (0 means "no limit" to libcurl), clamped to `Int`.
    var curlMilliseconds: Int {
        let (seconds, attoseconds) = components
        guard seconds >= 0, attoseconds >= 0, seconds > 0 || attoseconds > 0 else { return 1 }
        let (millis, overflow) = Int(clamping: seconds).multipliedReportingOverflow(by: 1000)
        if overflow { return Int.max }
        let (total, overflow2) = millis.addingReportingOverflow(Int(attoseconds / 1_000_000_000_000_000))
        if overflow2 { return Int.max }
        return max(total, 1)
    }
}
