import Foundation
import NotifyCore

/// The body of POST /v1/me/devices. A Web Push `subscription` is taken in the shape browsers give it
/// (`PushSubscription.toJSON()`: `{endpoint, expirationTime, keys: {p256dh, auth}}`), so a page can send it as is.
struct DeviceRequest: Decodable {
    static let fields: Set<String> = ["platform", "token", "subscription"]

    struct Subscription: Decodable {
        struct Keys: Decodable {
            var p256dh: String?
            var auth: String?
        }

        var endpoint: String
        var keys: Keys?
        // Browsers send it (usually null); NotifyMe does not schedule by it.
        var expirationTime: Double?
    }

    var platform: String
    var token: String?
    var subscription: Subscription?

    /// The validated device, with a new id; every problem names its field.
    func device(id: String, now: Date) throws -> Device {
        guard let platform = Device.Platform(rawValue: platform) else {
            let known = Device.Platform.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
            throw NotifyError.invalid("platform", "must be one of \(known)")
        }
        // Missing keys become empty strings so Device's validation names the missing key.
        let webPush = subscription.map {
            Device.WebPushSubscription(endpoint: $0.endpoint, p256dh: $0.keys?.p256dh ?? "", auth: $0.keys?.auth ?? "")
        }
        return try Device(id: id, platform: platform, token: token, subscription: webPush, createdAt: now)
    }
}
