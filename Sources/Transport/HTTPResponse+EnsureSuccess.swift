extension HTTPResponse {
    /// Returns the response when its status is 2xx, otherwise throws a ``TransportError``
    /// with ``TransportError/isHTTPStatus`` set and ``TransportError/status`` holding the code.
    @discardableResult
    public func ensureSuccess() throws(TransportError) -> HTTPResponse {
        guard (200..<300).contains(status) else { throw TransportError.httpStatus(self) }
        return self
    }
}
