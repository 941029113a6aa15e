import Foundation
import Logging
import NotifyConfig
import ProviderSim

/// The provider simulator `notifyme run` starts when no real SMS or push provider is configured,
/// and the provider settings that send through it.
enum EmbeddedSimulator {
    static func make(config: NotifyConfiguration, logger: Logger) throws -> (ProviderSimulator, ProvidersConfiguration) {
        let directory = "\(config.absoluteDataDir)/simulator"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let sim = try ProviderSimulator(configuration: SimulatorConfiguration(
            host: "127.0.0.1", port: config.providers.simulator.port, http2Port: config.providers.simulator.http2Port,
            credentialsDirectory: directory), logger: logger)
        let base = "http://127.0.0.1:\(config.providers.simulator.port)"
        var providers = config.providers
        providers.sms = [ProviderSettings(name: "sim-gateway", kind: .gateway, options: [
            "url": "\(base)/sms/v1/messages", "apiKey": sim.credentials.gateway.apiKey, "sender": "NotifyMe",
            // Signed delivery receipts come back to this API, as a real gateway's would.
            "callbackURL": "\(config.publicURL)/v1/receipts/sim-gateway", "webhookSecret": sim.credentials.gateway.webhookSecret,
        ])]
        providers.push = pushProviders(sim: sim, base: base, directory: directory, config: config)
        return (sim, providers)
    }
}
