/// Names one template: `Templates/<eventType>/<language>.<channel>[.html].mustache`.
public struct TemplateKey: Sendable, Hashable, CustomStringConvertible {
    public enum Part: String, Sendable, Hashable {
        case text, html
    }

    public let eventType: String
    public let language: Language
    public let channel: Channel
    public let part: Part

    public init(eventType: String, language: Language, channel: Channel, part: Part = .text) {
        self.eventType = eventType
        self.language = language
        self.channel = channel
        self.part = part
    }

    /// The file name inside the event type's folder.
    public var fileName: String {
        part == .html ? "\(language.rawValue).\(channel.rawValue).html.mustache" : "\(language.rawValue).\(channel.rawValue).mustache"
    }

    /// Parses a file name such as `ar.email.html.mustache`; nil for anything else.
    public init?(eventType: String, fileName: String) {
        let parts = fileName.split(separator: ".").map(String.init)
        guard parts.count == 3 || parts.count == 4, parts.last == "mustache",
              let language = Language(rawValue: parts[0]), let channel = Channel(rawValue: parts[1]) else { return nil }
        if parts.count == 4 && parts[2] != "html" { return nil }
        self.init(eventType: eventType, language: language, channel: channel, part: parts.count == 4 ? .html : .text)
    }

    public var description: String { "\(eventType)/\(fileName)" }
}
