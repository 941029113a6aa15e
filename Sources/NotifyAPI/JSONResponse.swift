import Foundation
import Hummingbird
import NotifyStore

/// An Encodable answer with a chosen status, encoded the way NotifyMe stores JSON (ISO 8601 dates).
struct JSONResponse<Body: Encodable & Sendable>: ResponseGenerator {
    let status: HTTPResponse.Status
    let body: Body

    init(_ status: HTTPResponse.Status, _ body: Body) {
        self.status = status
        self.body = body
    }

    init(_ body: Body) {
        self.init(.ok, body)
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let data = try JSONCoding.encoder.encode(body)
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
