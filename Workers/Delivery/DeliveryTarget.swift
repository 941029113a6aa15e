import NotifyCore

/// One address a notification goes to: the phone, the email address, or one push device.
struct DeliveryTarget: Sendable {
    /// Names the target in the notification record (`sent:<key>`): `sms`, `email`, or `device:<id>`.
    let key: String
    let address: String
    let device: Device?
    let pool: ProviderPool
}
