import CCurl

/// Typed, throwing option setters over one libcurl easy handle.
struct CurlEasy {
    let handle: UnsafeMutableRawPointer

    init(_ handle: UnsafeMutableRawPointer) { self.handle = handle }

    func check(_ code: CURLcode, _ what: @autoclosure () -> String) throws(TransportError) {
        guard code == CURLE_OK else {
            let text = String(cString: curl_easy_strerror(code))
            throw TransportError.invalidRequest("setting \(what()) failed: \(text)", curlCode: Int(code.rawValue))
        }
    }

    func set(_ option: CURLoption, _ value: Int) throws(TransportError) {
        try check(nm_curl_easy_setopt_long(handle, option, value), "option \(option.rawValue)")
    }

    func set(_ option: CURLoption, _ value: Bool) throws(TransportError) {
        try set(option, value ? 1 : 0)
    }

    /// libcurl copies string options, so the C string only has to live for the call.
    func set(_ option: CURLoption, _ value: String) throws(TransportError) {
        guard !value.utf8.contains(0) else {
            throw TransportError.invalidRequest("option \(option.rawValue) contains a NUL byte")
        }
        try check(nm_curl_easy_setopt_string(handle, option, value), "option \(option.rawValue)")
    }

    func set(_ option: CURLoption, offset value: curl_off_t) throws(TransportError) {
        try check(nm_curl_easy_setopt_off_t(handle, option, value), "option \(option.rawValue)")
    }

    func set(_ option: CURLoption, pointer value: UnsafeMutableRawPointer?) throws(TransportError) {
        try check(nm_curl_easy_setopt_pointer(handle, option, value), "option \(option.rawValue)")
    }

    func set(_ option: CURLoption, list value: UnsafeMutablePointer<curl_slist>?) throws(TransportError) {
        try check(nm_curl_easy_setopt_slist(handle, option, value), "option \(option.rawValue)")
    }

    func long(_ info: CURLINFO) -> Int {
        var value = 0
        return nm_curl_easy_getinfo_long(handle, info, &value) == CURLE_OK ? value : 0
    }
}
