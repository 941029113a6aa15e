import Foundation
import Hummingbird
import NotifyCore
import NotifyStore

/// Reads a JSON request body strictly: size-limited, unknown fields refused, every error naming its field.
enum JSONBody {
    static let maxBytes = 1 << 20

    static func decode<T: Decodable>(_ type: T.Type, from request: Request, allowed: Set<String>, maxBytes: Int = maxBytes) async throws -> T {
        try await decodeWithBytes(type, from: request, allowed: allowed, maxBytes: maxBytes).value
    }

    /// Also returns the raw body, for idempotency hashing.
    static func decodeWithBytes<T: Decodable>(_ type: T.Type, from request: Request, allowed: Set<String>, maxBytes: Int = maxBytes) async throws -> (value: T, bytes: Data) {
        let buffer: ByteBuffer
        do { buffer = try await request.body.collect(upTo: maxBytes) } catch let error as NotifyError {
            // The connection's own limits (RequestLimitHandler): time, or the size over all paths.
            throw error
        } catch {
            throw NotifyError.tooLarge("body", "must be at most \(maxBytes) bytes")
        }
        let data = Data(buffer: buffer)
        guard !data.isEmpty else { throw NotifyError.invalid("body", "must be a JSON object") }
        let object: [String: JSONValue]
        do { object = try JSONDecoder().decode([String: JSONValue].self, from: data) } catch {
            throw NotifyError.invalid("body", "must be a JSON object")
        }
        if let unknown = object.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw NotifyError.invalid(String(unknown.prefix(64)), "is not a known field")
        }
        do {
            return (try JSONCoding.decoder.decode(T.self, from: data), data)
        } catch let error as NotifyError {
            throw error
        } catch let error as DecodingError {
            throw Self.problem(error)
        }
    }

    static func problem(_ error: DecodingError) -> NotifyError {
        func path(_ p: [any CodingKey]) -> String {
            p.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
        }
        switch error {
        case .typeMismatch(let type, let c): return .invalid(path(c.codingPath), "must be \(Self.name(of: type))")
        case .valueNotFound(let type, let c): return .invalid(path(c.codingPath), "must be \(Self.name(of: type)), not null")
        case .keyNotFound(let key, let c): return .invalid(path(c.codingPath + [key]), "is required")
        case .dataCorrupted(let c):
            if let underlying = c.underlyingError as? NotifyError, let f = underlying.fields.first {
                let prefix = path(c.codingPath)
                return .invalid(prefix.isEmpty ? f.field : prefix, f.detail)
            }
            return .invalid(path(c.codingPath).isEmpty ? "body" : path(c.codingPath), c.debugDescription)
        @unknown default: return .invalid("body", "is not valid")
        }
    }

    private static func name(of type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Double.Type: "a number"
        case is Bool.Type: "true or false"
        default: type is [Any].Type ? "a list" : "an object or value of the documented shape"
        }
    }
}
