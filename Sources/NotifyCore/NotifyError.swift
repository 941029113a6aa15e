/// A domain error: a stable kind, a human detail and, for bad input, the offending field.
///
/// The API renders it as problem+json; `kind` becomes the problem `type`.
public struct NotifyError: Error, Sendable, CustomStringConvertible {
    private enum Code: String, Sendable {
        case validation, notFound = "not-found", unauthorized, forbidden, conflict, tooLarge = "too-large",
             requestTimeout = "request-timeout", tooManyRequests = "too-many-requests", unavailable, `internal`
    }

    private let code: Code
    /// Human-readable explanation, safe to show the caller (never carries PII).
    public let detail: String
    /// The offending fields, for validation errors.
    public let fields: [FieldError]
    /// Seconds the caller should wait, for rate limits.
    public let retryAfter: Int?

    private init(_ code: Code, _ detail: String, fields: [FieldError] = [], retryAfter: Int? = nil) {
        self.code = code
        self.detail = detail
        self.fields = fields
        self.retryAfter = retryAfter
    }

    /// Bad input; names the field.
    public static func invalid(_ field: String, _ detail: String) -> NotifyError {
        NotifyError(.validation, detail, fields: [FieldError(field: field, detail: detail)])
    }
    /// Several bad fields at once.
    public static func invalid(_ fields: [FieldError]) -> NotifyError {
        NotifyError(.validation, fields.count == 1 ? fields[0].detail : "\(fields.count) fields are invalid", fields: fields)
    }
    public static func notFound(_ detail: String) -> NotifyError { NotifyError(.notFound, detail) }
    public static func unauthorized(_ detail: String) -> NotifyError { NotifyError(.unauthorized, detail) }
    public static func forbidden(_ detail: String) -> NotifyError { NotifyError(.forbidden, detail) }
    public static func conflict(_ detail: String) -> NotifyError { NotifyError(.conflict, detail) }
    /// A body over the size limit; names the field (`body`).
    public static func tooLarge(_ field: String, _ detail: String) -> NotifyError {
        NotifyError(.tooLarge, detail, fields: [FieldError(field: field, detail: detail)])
    }
    /// The client took too long to send its request.
    public static func requestTimeout(_ detail: String) -> NotifyError { NotifyError(.requestTimeout, detail) }
    public static func tooManyRequests(_ detail: String, retryAfter: Int?) -> NotifyError {
        NotifyError(.tooManyRequests, detail, retryAfter: retryAfter)
    }
    public static func unavailable(_ detail: String) -> NotifyError { NotifyError(.unavailable, detail) }
    public static func `internal`(_ detail: String) -> NotifyError { NotifyError(.internal, detail) }

    /// Stable machine-readable kind, e.g. `validation` or `not-found`.
    public var kind: String { code.rawValue }

    /// The HTTP status this error maps to.
    public var httpStatus: Int {
        switch code {
        case .validation: 422
        case .notFound: 404
        case .unauthorized: 401
        case .forbidden: 403
        case .conflict: 409
        case .tooLarge: 413
        case .requestTimeout: 408
        case .tooManyRequests: 429
        case .unavailable: 503
        case .internal: 500
        }
    }

    public var description: String { "\(kind): \(detail)" }
}

/// One invalid field and why.
public struct FieldError: Sendable, Equatable, Codable {
    public let field: String
    public let detail: String
    public init(field: String, detail: String) {
        self.field = field
        self.detail = detail
    }
}
