import Hummingbird
import NotifyCore
import NotifyStore

/// The request context: who is calling, set by the authentication middlewares.
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The entity key, on entity routes.
    public var entity: EntityKey?
    /// The resident, on resident routes.
    public var resident: CPR?

    public init(source: Source) {
        coreContext = .init(source: source)
    }

    /// The entity, or 401 (only reachable if a route forgot its middleware).
    func requireEntity() throws -> EntityKey {
        guard let entity else { throw NotifyError.unauthorized("an entity API key is required") }
        return entity
    }

    func requireResident() throws -> CPR {
        guard let resident else { throw NotifyError.unauthorized("a resident identity token is required") }
        return resident
    }
}
