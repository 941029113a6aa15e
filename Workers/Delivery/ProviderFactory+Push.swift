import NotifyConfig

extension ProviderFactory {
    func pushAdapter(_ s: ProviderSettings) throws -> any ProviderAdapter {
        throw Failure(description: "providers.push \(s.name): \(s.kind.rawValue) is not wired yet")
    }
}
