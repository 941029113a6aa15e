import Foundation
import NotifyCore

/// Reads `Templates/<event-type>/<language>.<channel>[.html].mustache` into a parsed template set.
public enum TemplateLoader {
    public static func load(directory: String) throws(ConfigError) -> TemplateSet {
        let fm = FileManager.default
        let types: [String]
        do { types = try fm.contentsOfDirectory(atPath: directory) } catch {
            throw .unreadable(directory, "template folder cannot be read: \(error.localizedDescription)")
        }
        var sources: [TemplateKey: String] = [:]
        for type in types.sorted() where !type.hasPrefix(".") {
            let folder = "\(directory)/\(type)"
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: folder, isDirectory: &isDir), isDir.boolValue else { continue }
            let files = (try? fm.contentsOfDirectory(atPath: folder)) ?? []
            for file in files where file.hasSuffix(".mustache") {
                guard let key = TemplateKey(eventType: type, fileName: file) else {
                    throw .invalid("templates.\(type)/\(file)", "is not named <language>.<channel>[.html].mustache")
                }
                do { sources[key] = try String(contentsOfFile: "\(folder)/\(file)", encoding: .utf8) } catch {
                    throw .unreadable("\(folder)/\(file)", "cannot be read: \(error.localizedDescription)")
                }
            }
        }
        do { return try TemplateSet(sources: sources) } catch {
            throw .invalid(error.fields.first?.field ?? "templates", error.detail)
        }
    }

    /// Checks every catalogue event has a template for each language and channel it lists, and email both parts.
    public static func check(_ templates: TemplateSet, against catalogue: EventCatalogue) throws(ConfigError) {
        for def in catalogue.events.values.sorted(by: { $0.type < $1.type }) {
            for channel in def.channels {
                let parts: [TemplateKey.Part] = channel == .email ? [.text, .html] : [.text]
                for language in Language.allCases {
                    for part in parts where !templates.has(eventType: def.type, language: language, channel: channel, part: part) {
                        throw .invalid("templates.\(def.type)", "is missing \(TemplateKey(eventType: def.type, language: language, channel: channel, part: part).fileName)")
                    }
                }
            }
        }
    }
}
