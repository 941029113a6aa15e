import Glibc

extension Duration {
    /// As a `timeval`, at least 1 ms: a zero timeval means "wait forever" to the socket layer.
    var timeval: timeval {
        let (seconds, attoseconds) = components
        guard seconds >= 0 else { return Glibc.timeval(tv_sec: 0, tv_usec: 1000) }
        let micros = attoseconds / 1_000_000_000_000
        if seconds == 0 && micros < 1000 { return Glibc.timeval(tv_sec: 0, tv_usec: 1000) }
        return Glibc.timeval(tv_sec: Int(seconds), tv_usec: Int(micros))
    }
}
