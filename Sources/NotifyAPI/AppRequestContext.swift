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
    /// The staff member, on `/v1/admin` routes.
    public var staff: StaffMember?

    public init(source: Source) {
        coreContext = .init(source: source)
    }

    /// The entity, or 401 (only reachable if a route forgot its middleware).
    func requireEntity() throws -> EntityKey {
        guard let entity else { throw NotifyError.unauthorized("an entity API key is required") }
        return entity
    }

    func requireStaff() throws -> StaffMember {
        guard let staff else { throw NotifyError.unauthorized("a staff token is required") }
        return staff
    }

    /// Operators only: an auditor reads but does not act.
    func requireOperator() throws -> StaffMember {
        let staff = try requireStaff()
        guard staff.canReplay else { throw NotifyError.forbidden("only an operator may replay; this token has the auditor role") }
        return staff
    }

    func requireResident() throws -> CPR {
        guard let resident else { throw NotifyError.unauthorized("a resident identity token is required") }
        return resident
    }
}
