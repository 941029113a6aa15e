import CCurl

extension CurlTransfer {
    /// Installs the write, header, read and seek callbacks with this transfer as userdata.
    func installCallbacks() throws(TransportError) {
        let easy = CurlEasy(easy)
        try easy.check(nm_curl_easy_setopt_write_function(self.easy, curlWriteCallback), "WRITEFUNCTION")
        try easy.set(CURLOPT_WRITEDATA, pointer: userdata)
        try easy.check(nm_curl_easy_setopt_header_function(self.easy, curlHeaderCallback), "HEADERFUNCTION")
        try easy.set(CURLOPT_HEADERDATA, pointer: userdata)
        try easy.check(nm_curl_easy_setopt_read_function(self.easy, curlReadCallback), "READFUNCTION")
        try easy.set(CURLOPT_READDATA, pointer: userdata)
        try easy.check(nm_curl_easy_setopt_seek_function(self.easy, curlSeekCallback), "SEEKFUNCTION")
        try easy.set(CURLOPT_SEEKDATA, pointer: userdata)
        try easy.set(CURLOPT_ERRORBUFFER, pointer: UnsafeMutableRawPointer(errorBuffer))
    }

    /// Handles one header line: a status line starts a new header block (after 1xx or redirects).
    func receiveHeaderLine(_ line: UnsafeRawBufferPointer) {
        var end = line.count
        while end > 0, line[end - 1] == 0x0A || line[end - 1] == 0x0D { end -= 1 }
        guard end > 0 else { return }
        let bytes = UnsafeRawBufferPointer(rebasing: line[0..<end])
        if bytes.starts(with: "HTTP/".utf8) {
            responseHeaders.removeAll(keepingCapacity: true)
            return
        }
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")) else { return }
        let name = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[0..<colon]), as: UTF8.self).lowercased()
        var start = colon + 1
        while start < end, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
        var stop = end
        while stop > start, bytes[stop - 1] == 0x20 || bytes[stop - 1] == 0x09 { stop -= 1 }
        let value = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<stop]), as: UTF8.self)
        responseHeaders.append(HTTPHeader(name: name, value: value))
        // Reserve the body once when the length is announced (capped: the header is untrusted).
        if name == "content-length", let length = Int(value), length > 0, responseBody.isEmpty {
            responseBody.reserveCapacity(min(length, 8 << 20))
        }
    }
}

private let curlWriteCallback: nm_curl_data_callback = { buffer, size, count, userdata in
    let total = size * count
    guard let transfer = CurlTransfer.from(userdata) else { return 0 }
    if let buffer, total > 0 {
        transfer.responseBody.append(contentsOf: UnsafeRawBufferPointer(start: buffer, count: total))
    }
    return total
}

private let curlHeaderCallback: nm_curl_data_callback = { buffer, size, count, userdata in
    let total = size * count
    guard let transfer = CurlTransfer.from(userdata) else { return 0 }
    if let buffer, total > 0 {
        transfer.receiveHeaderLine(UnsafeRawBufferPointer(start: buffer, count: total))
    }
    return total
}

private let curlReadCallback: nm_curl_data_callback = { buffer, size, count, userdata in
    guard let transfer = CurlTransfer.from(userdata), let buffer else { return Int(CURL_READFUNC_ABORT) }
    let room = size * count
    let remaining = transfer.upload.count - transfer.uploadOffset
    let n = min(room, remaining)
    guard n > 0 else { return 0 }
    transfer.upload.withUnsafeBytes { source in
        guard let base = source.baseAddress else { return }
        UnsafeMutableRawPointer(buffer).copyMemory(from: base + transfer.uploadOffset, byteCount: n)
    }
    transfer.uploadOffset += n
    return n
}

private let curlSeekCallback: nm_curl_seek_callback = { userdata, offset, origin in
    guard let transfer = CurlTransfer.from(userdata) else { return Int32(CURL_SEEKFUNC_FAIL) }
    let base: Int
    switch origin {
    case SEEK_SET: base = 0
    case SEEK_CUR: base = transfer.uploadOffset
    case SEEK_END: base = transfer.upload.count
    default: return Int32(CURL_SEEKFUNC_CANTSEEK)
    }
    let target = base + Int(offset)
    guard target >= 0, target <= transfer.upload.count else { return Int32(CURL_SEEKFUNC_FAIL) }
    transfer.uploadOffset = target
    return Int32(CURL_SEEKFUNC_OK)
}
