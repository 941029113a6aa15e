import NotifyCore

/// The provider pools of one channel: a single pool for SMS and email, one per platform for push.
public struct ChannelPools: Sendable {
    let channelPool: ProviderPool?
    let platformPools: [Device.Platform: ProviderPool]

    public init(_ pool: ProviderPool) {
        channelPool = pool
        platformPools = [:]
    }

    public init(push pools: [Device.Platform: ProviderPool]) {
        channelPool = nil
        platformPools = pools
    }

    func pool(for device: Device?) -> ProviderPool? {
        if let device { return platformPools[device.platform] }
        return channelPool
    }
}
