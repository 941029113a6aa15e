import Foundation
import Transport

/// What the test server's `/echo` route returns.
struct EchoReply: Decodable {
    let method: String
    let path: String
    let headers: [[String]]
    let body: String
    let bodyLength: Int
    let httpVersion: String

    init(_ response: HTTPResponse) throws {
        self = try JSONDecoder().decode(EchoReply.self, from: Data(response.body))
    }

    /// The first value of header `name`, case-insensitively.
    func header(_ name: String) -> String? {
        headers.first { $0.first?.lowercased() == name.lowercased() }.flatMap { $0.count > 1 ? $0[1] : nil }
    }
}
