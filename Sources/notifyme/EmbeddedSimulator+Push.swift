import NotifyConfig
import ProviderSim

extension EmbeddedSimulator {
    static func pushProviders(sim: ProviderSimulator, base: String, directory: String, config: NotifyConfiguration) -> [ProviderSettings] {
        []
    }
}
