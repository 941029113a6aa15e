import Foundation
import NotifyCore
import Yams

/// Reads the event catalogue (`Config/events.yaml`): categories and event types.
public enum CatalogueLoader {
    public static func load(path: String) throws(ConfigError) -> EventCatalogue {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw .unreadable(path, "cannot be read: \(error.localizedDescription)")
        }
        return try parse(yaml: text, file: path)
    }

    public static func parse(yaml: String, file: String = "<string>") throws(ConfigError) -> EventCatalogue {
        let root: [String: Any]
        do {
            guard let dict = try Yams.load(yaml: yaml) as? [String: Any] else {
                throw ConfigError.unreadable(file, "must be a mapping with 'categories' and 'events'")
            }
            root = dict
        } catch let error as ConfigError {
            throw error
        } catch {
            throw .unreadable(file, "is not valid YAML: \(error)")
        }
        var reader = ConfigReader(root)
        let categories = try readCategories(try reader.section("categories"))
        let events = try readEvents(try reader.section("events"))
        let topics = try readTopics(try reader.section("topics"))
        try reader.rejectUnknownKeys()
        do {
            return try EventCatalogue(categories: categories, events: events, topics: topics)
        } catch {
            throw .invalid(error.fields.first?.field ?? "events", error.detail)
        }
    }

    private static func readCategories(_ section: ConfigReader) throws(ConfigError) -> [Category] {
        var result: [Category] = []
        for name in section.keys {
            var c = try section.child(name)
            let mandatory = try c.bool("mandatory", default: false)
            let defaults = try c.channels("default", default: [])
            try c.rejectUnknownKeys()
            result.append(Category(name: name, mandatory: mandatory, defaultChannels: Set(defaults)))
        }
        return result
    }

    private static func readTopics(_ section: ConfigReader) throws(ConfigError) -> [Topic] {
        var result: [Topic] = []
        for name in section.keys {
            var t = try section.child(name)
            let description = try t.string("description", default: "")
            try t.rejectUnknownKeys()
            do { result.append(try Topic(name: name, description: description)) } catch {
                throw .invalid("topics.\(name)", error.detail)
            }
        }
        return result
    }

    private static func readEvents(_ section: ConfigReader) throws(ConfigError) -> [EventDefinition] {
        var result: [EventDefinition] = []
        for type in section.keys {
            var e = try section.child(type)
            let def = EventDefinition(
                type: type,
                category: try e.string("category", default: ""),
                channels: try e.channels("channels", default: []),
                fallback: try e.bool("fallback", default: false),
                priority: try e.choice("priority", default: Priority.normal),
                topics: try e.bool("topics", default: false),
                description: try e.string("description", default: "")
            )
            try e.rejectUnknownKeys()
            result.append(def)
        }
        return result
    }
}
