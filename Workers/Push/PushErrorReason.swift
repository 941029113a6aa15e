/// Provider error codes as they may appear in `ProviderError.detail`.
enum PushErrorReason {
    /// `raw` reduced to at most 48 letters, digits and underscores: provider codes such as
    /// `UNREGISTERED` or `BadDeviceToken` pass, anything that could carry a token or text does not.
    static func sanitized(_ raw: String) -> String {
        String(raw.unicodeScalars.filter { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_") }
            .prefix(48).map(Character.init))
    }
}
