import CCurl
import Foundation

/// Runs `curl_global_init` exactly once per process (Swift initializes globals once, thread-safely),
/// and ignores SIGPIPE so a peer closing a socket never kills the process.
let curlGlobalInitCode: Int = {
    signal(SIGPIPE, SIG_IGN)
    return Int(nm_curl_global_init_default().rawValue)
}()
