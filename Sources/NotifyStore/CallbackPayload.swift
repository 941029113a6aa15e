import Foundation
import NotifyCore

/// One status change on its way to an entity's callback URL.
public struct CallbackPayload: Sendable, Codable, Equatable {
    public var notificationId: String
    public var eventId: String
    /// Whose callback: the entity that published the event.
    public var entity: String
    public var reference: String?
    public var status: NotificationStatus
    public var detail: String
    public var at: Date
    /// Failed posts so far (not sent to the entity).
    public var attempt: Int

    public init(notificationId: String, eventId: String, entity: String, reference: String?, status: NotificationStatus, detail: String, at: Date, attempt: Int = 0) {
        self.notificationId = notificationId
        self.eventId = eventId
        self.entity = entity
        self.reference = reference
        self.status = status
        self.detail = detail
        self.at = at
        self.attempt = attempt
    }

    /// What the entity receives: the payload without NotifyMe's bookkeeping.
    public struct Body: Encodable, Sendable {
        public let notificationId: String
        public let eventId: String
        public let reference: String?
        public let status: String
        public let detail: String
        public let at: Date
    }

    public var body: Body {
        Body(notificationId: notificationId, eventId: eventId, reference: reference, status: status.rawValue, detail: detail, at: at)
    }

    func encoded() throws -> String { String(decoding: try JSONCoding.encoder.encode(self), as: UTF8.self) }

    static func decode(_ text: String) -> CallbackPayload? { try? JSONCoding.decoder.decode(CallbackPayload.self, from: Data(text.utf8)) }
}
