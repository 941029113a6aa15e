/// A configuration problem: which key, and what is wrong with it. Start-up stops on it.
public struct ConfigError: Error, Sendable, CustomStringConvertible {
    private enum Code: Sendable { case invalidValue, unknownKey, unreadable }

    private let code: Code
    /// Dotted key path, e.g. `redis.commandTimeout`, or the file for unreadable files.
    public let key: String
    public let problem: String

    private init(_ code: Code, key: String, problem: String) {
        self.code = code
        self.key = key
        self.problem = problem
    }

    /// `key` holds a value that cannot be used, for checks made outside this module (key files, for one).
    public static func invalid(_ key: String, _ problem: String) -> ConfigError { ConfigError(.invalidValue, key: key, problem: problem) }
    static func unknownKey(_ key: String) -> ConfigError { ConfigError(.unknownKey, key: key, problem: "is not a known setting") }
    static func unreadable(_ file: String, _ problem: String) -> ConfigError { ConfigError(.unreadable, key: file, problem: problem) }

    public var description: String {
        switch code {
        case .unreadable: "configuration file \(key): \(problem)"
        case .invalidValue, .unknownKey: "configuration key '\(key)' \(problem)"
        }
    }
}
