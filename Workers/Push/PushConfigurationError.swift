/// A push provider cannot be set up: which provider, which setting, and what is wrong with it.
/// Start-up stops on it. Never holds key material, only file paths and setting names.
public struct PushConfigurationError: Error, Sendable, CustomStringConvertible {
    private enum Code: Sendable { case unreadableFile, invalidKey, invalidValue }

    private let code: Code
    /// The provider's configured name, e.g. `fcm`.
    public let provider: String
    /// The setting at fault, e.g. `keyFile` or `topic`.
    public let setting: String
    /// What is wrong with it.
    public let problem: String

    private init(_ code: Code, provider: String, setting: String, problem: String) {
        self.code = code
        self.provider = provider
        self.setting = setting
        self.problem = problem
    }

    static func unreadable(_ provider: String, _ setting: String, path: String) -> PushConfigurationError {
        PushConfigurationError(.unreadableFile, provider: provider, setting: setting, problem: "names \(path), which cannot be read")
    }

    static func invalidKey(_ provider: String, _ setting: String, _ problem: String) -> PushConfigurationError {
        PushConfigurationError(.invalidKey, provider: provider, setting: setting, problem: problem)
    }

    static func invalid(_ provider: String, _ setting: String, _ problem: String) -> PushConfigurationError {
        PushConfigurationError(.invalidValue, provider: provider, setting: setting, problem: problem)
    }

    /// Whether the problem is a key or credentials file that could not be read at all.
    public var isUnreadableFile: Bool { code == .unreadableFile }
    /// Whether the problem is key material that could not be parsed or used.
    public var isInvalidKey: Bool { code == .invalidKey }

    public var description: String { "push provider '\(provider)': \(setting) \(problem)" }
}
