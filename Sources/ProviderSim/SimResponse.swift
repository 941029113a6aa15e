import Foundation
import Hummingbird

/// Builds Hummingbird responses from status codes, JSON values and header pairs.
enum SimResponse {
    static func json(_ status: Int, _ body: JSON, headers: [(String, String)] = []) -> Response {
        bytes(status, body.bytes, contentType: "application/json", headers: headers)
    }

    /// A Codable public value (ISO 8601 dates), for the control API.
    static func encoded(_ status: Int, _ value: some Encodable) -> Response {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value) else { return json(500, ["error": "encoding failed"]) }
        return bytes(status, [UInt8](data), contentType: "application/json")
    }

    static func empty(_ status: Int, headers: [(String, String)] = []) -> Response {
        bytes(status, [], contentType: nil, headers: headers)
    }

    static func bytes(_ status: Int, _ body: [UInt8], contentType: String?, headers: [(String, String)] = []) -> Response {
        var fields = HTTPFields()
        if let contentType { fields.set("Content-Type", contentType) }
        for (name, value) in headers { fields.set(name, value) }
        return Response(
            status: HTTPResponse.Status(code: status),
            headers: fields,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: body))
        )
    }

    /// The request body, or nil when it exceeds `limit` bytes.
    static func body(of request: Request, limit: Int = 1 << 20) async -> [UInt8]? {
        guard let buffer = try? await request.body.collect(upTo: limit) else { return nil }
        return Array(buffer.readableBytesView)
    }
}

extension HTTPFields {
    /// The value of the field `name` (case-insensitive; repeated fields joined with ", ").
    func value(_ name: String) -> String? {
        HTTPFields.Element.Name(name).flatMap { self[$0] }
    }

    /// Sets the field `name`; names that are not valid tokens are skipped (callers pass literals).
    mutating func set(_ name: String, _ value: String) {
        if let field = HTTPFields.Element.Name(name) { self[field] = value }
    }
}
