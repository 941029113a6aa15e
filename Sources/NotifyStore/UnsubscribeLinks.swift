import NotifyCore

/// One-click unsubscribe links (RFC 8058) for optional categories: the link names the resident, the
/// category and the channel, sealed so that it cannot be forged or read, and needs no login to use.
public struct UnsubscribeLinks: Sendable {
    let cipher: FieldCipher
    /// Where the API is reachable from outside, e.g. `https://notify.gov.bh`.
    public let baseURL: String

    public init(cipher: FieldCipher, baseURL: String) {
        self.cipher = cipher
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
    }

    /// The link for `cpr` to stop `category` on `channel`.
    public func url(cpr: CPR, category: String, channel: Channel) throws -> String {
        let sealed = try cipher.seal("\(cpr.value) \(channel.rawValue) \(category)")
        return "\(baseURL)/v1/unsubscribe/\(Base64URL.encode(Array(sealed.utf8)))"
    }

    /// What a token asks for, or nil when it was not made by us.
    public func open(_ token: String) -> (cpr: CPR, category: String, channel: Channel)? {
        guard let bytes = Base64URL.decode(token), let plain = try? cipher.open(String(decoding: bytes, as: UTF8.self)) else { return nil }
        let parts = plain.split(separator: " ", maxSplits: 2).map(String.init)
        guard parts.count == 3, let cpr = try? CPR(parts[0]), let channel = Channel(rawValue: parts[1]) else { return nil }
        return (cpr, parts[2], channel)
    }
}
