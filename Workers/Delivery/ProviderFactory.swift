import Foundation
import NotifyConfig
import NotifyCore
import Transport

/// Builds provider adapters and pools from configuration.
public struct ProviderFactory: Sendable {
    let config: NotifyConfiguration
    let transport: CurlTransport

    public init(config: NotifyConfiguration, transport: CurlTransport) {
        self.config = config
        self.transport = transport
    }

    /// An error naming the provider whose settings cannot be used (a key file missing, say).
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// The pools for `channel`, or nil when no provider serves it.
    public func pools(for channel: Channel) throws -> ChannelPools? {
        let failover = FailoverSettings(
            window: config.providers.failover.window, threshold: config.providers.failover.threshold,
            minimumRequests: config.providers.failover.minimumRequests, cooldown: config.providers.failover.cooldown,
            recovery: config.providers.failover.recovery)
        switch channel {
        case .sms:
            let members = try config.providers.sms.map(member)
            return members.isEmpty ? nil : ChannelPools(ProviderPool(members, failover: failover))
        case .email:
            let members = try config.providers.email.isEmpty ? [defaultEmail()] : config.providers.email.map(member)
            return ChannelPools(ProviderPool(members, failover: failover))
        case .push:
            var byPlatform: [Device.Platform: [ProviderPool.Member]] = [:]
            for settings in config.providers.push {
                guard let platform = Device.Platform(rawValue: settings.kind.rawValue) else { continue }
                byPlatform[platform, default: []].append(try member(settings))
            }
            return byPlatform.isEmpty ? nil : ChannelPools(push: byPlatform.mapValues { ProviderPool($0, failover: failover) })
        }
    }

    func member(_ s: ProviderSettings) throws -> ProviderPool.Member {
        ProviderPool.Member(adapter: try adapter(s), weight: s.weight, ratePerSecond: s.rate > 0 ? s.rate : nil)
    }

    func adapter(_ s: ProviderSettings) throws -> any ProviderAdapter {
        switch s.kind {
        case .gateway:
            return GatewaySMSAdapter(configuration: .init(name: s.name, url: s["url"], apiKey: s["apiKey"],
                                                          sender: s["sender"].isEmpty ? "NotifyMe" : s["sender"],
                                                          callbackURL: s["callbackURL"], timeout: s.timeout,
                                                          batchSize: Int(s["batchSize"]) ?? 100), transport: transport)
        case .twilio:
            return TwilioSMSAdapter(configuration: .init(
                name: s.name, baseURL: s["url"].isEmpty ? "https://api.twilio.com" : s["url"], accountSid: s["accountSid"],
                authToken: s["authToken"], from: s["from"], messagingServiceSid: s["messagingServiceSid"],
                statusCallback: s["statusCallback"], timeout: s.timeout), transport: transport)
        case .smtp:
            let server = SMTPServer(url: s["url"], username: s["username"].isEmpty ? nil : s["username"],
                                    password: s["password"].isEmpty ? nil : s["password"], startTLS: s["startTLS"] == "true", timeout: s.timeout)
            return EmailProvider(name: s.name, sender: SMTPEmailSender(transport: transport, server: server), fromHeader: config.email.from)
        case .fcm, .apns, .webpush:
            return try pushAdapter(s)
        }
    }

    /// The `email` section's server, or the outbox when it names none.
    func defaultEmail() throws -> ProviderPool.Member {
        let email = config.email
        if email.smtpURL.isEmpty {
            return ProviderPool.Member(adapter: EmailProvider(name: "outbox", sender: try OutboxEmailSender(directory: config.outboxDir),
                                                              fromHeader: email.from))
        }
        let server = SMTPServer(url: email.smtpURL, username: email.username.isEmpty ? nil : email.username,
                                password: email.password.isEmpty ? nil : email.password, startTLS: email.startTLS, timeout: email.timeout)
        return ProviderPool.Member(adapter: EmailProvider(name: "smtp", sender: SMTPEmailSender(transport: transport, server: server),
                                                          fromHeader: email.from))
    }
}
