import NotifyCore

/// One configured provider: what it is, its share of its channel, its rate, and its own settings.
public struct ProviderSettings: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case gateway, twilio, smtp, fcm, apns, webpush

        /// The channel this kind of provider serves.
        public var channel: Channel {
            switch self {
            case .gateway, .twilio: .sms
            case .smtp: .email
            case .fcm, .apns, .webpush: .push
            }
        }

        /// Settings each kind requires, and those it also accepts.
        var required: [String] {
            switch self {
            case .gateway: ["url", "apiKey"]
            case .twilio: ["accountSid", "authToken"]
            case .smtp: ["url"]
            case .fcm: ["serviceAccountFile"]
            case .apns: ["teamId", "keyId", "keyFile", "topic"]
            case .webpush: ["vapidKeyFile", "subject"]
            }
        }

        var optional: [String] {
            switch self {
            case .gateway: ["sender", "callbackURL", "webhookSecret", "batchSize"]
            case .twilio: ["url", "from", "messagingServiceSid", "statusCallback"]
            case .smtp: ["username", "password", "startTLS"]
            case .fcm: ["url"]
            case .apns: ["url"]
            case .webpush: ["allowedHosts", "allowHTTP", "createKeyIfMissing"]
            }
        }
    }

    public var name: String
    public var kind: Kind
    /// Relative share of the channel's traffic among healthy providers.
    public var weight: Double
    /// Messages per second across every process; 0 for no limit.
    public var rate: Double
    public var timeout: Duration
    /// The kind's own settings (url, credentials, key files), by their YAML names.
    public var options: [String: String]

    public init(name: String, kind: Kind, weight: Double = 1, rate: Double = 0, timeout: Duration = .seconds(10), options: [String: String] = [:]) {
        self.name = name
        self.kind = kind
        self.weight = weight
        self.rate = rate
        self.timeout = timeout
        self.options = options
    }

    /// A setting, or the empty string.
    public subscript(_ key: String) -> String { options[key] ?? "" }
}
