/// Which channel one notification goes out on, or why it cannot go out at all.
///
/// A channel qualifies when the resident can be reached on it (an address, or a registered push device),
/// it is verified (devices are registered by the resident, so they count as verified), and the resident
/// consents to the category there. NotifyMe's own verification codes name their channel and need neither.
public enum ChannelChoice: Sendable, Equatable {
    case send(Channel)
    /// Nothing to send on; `channel` is the one the record names.
    case suppress(channel: Channel, reason: String)

    /// Chooses by the catalogue's order, skipping `excluding` (channels that already failed permanently).
    public static func choose(definition: EventDefinition, category: Category, contact: ContactReach, hasDevices: Bool,
                              subscriptions: Subscriptions, forced: Channel? = nil, excluding: Set<Channel> = []) -> ChannelChoice {
        let candidates = (forced.map { [$0] } ?? definition.channels).filter { !excluding.contains($0) }
        let fallbackChannel = candidates.first ?? definition.channels[0]
        func reachable(_ c: Channel) -> Bool { c == .push ? hasDevices : contact.addressed.contains(c) }
        let reach = candidates.filter(reachable)
        let usable = forced != nil ? reach : reach.filter { $0 == .push || contact.verified.contains($0) }
        guard !usable.isEmpty else {
            if reach.isEmpty {
                let names = candidates.map(\.rawValue).joined(separator: "/")
                return .suppress(channel: fallbackChannel, reason: candidates.isEmpty ? "no channel left to try" : "no contact address for \(names)")
            }
            return .suppress(channel: fallbackChannel, reason: "no verified channel")
        }
        if forced != nil { return .send(usable[0]) }
        guard let channel = usable.first(where: { subscriptions.allows(category, on: $0) }) else {
            return .suppress(channel: usable[0], reason: "no consent for \(category.name)")
        }
        return .send(channel)
    }
}
