import Foundation
import Hummingbird
import NotifyCore
import NotifyStore

/// An RFC 9457 problem document.
struct Problem: Encodable {
    let type: String
    let title: String
    let status: Int
    let detail: String
    let errors: [FieldError]?

    init(_ error: NotifyError) {
        type = "https://notifyme.gov.bh/problems/\(error.kind)"
        title = Self.title(error.httpStatus)
        status = error.httpStatus
        detail = error.detail
        errors = error.fields.isEmpty ? nil : error.fields
    }

    init(status: Int, kind: String, detail: String) {
        type = "https://notifyme.gov.bh/problems/\(kind)"
        title = Self.title(status)
        self.status = status
        self.detail = detail
        errors = nil
    }

    static func title(_ status: Int) -> String {
        switch status {
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 409: "Conflict"
        case 413: "Content Too Large"
        case 422: "Unprocessable Content"
        case 429: "Too Many Requests"
        case 503: "Service Unavailable"
        default: status >= 500 ? "Internal Server Error" : "Request Error"
        }
    }

    func response(retryAfter: Int? = nil) -> Response {
        var headers: HTTPFields = [.contentType: "application/problem+json"]
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        let body = (try? JSONCoding.encoder.encode(self)) ?? Data()
        return Response(status: .init(code: status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}
