import Foundation
import Hummingbird
import NotifyCore
import NotifyStore

/// The resident's push devices: POST /v1/me/devices and DELETE /v1/me/devices/{id}.
struct DevicesController {
    let devices: DeviceStore
    /// Devices a resident may have; registering one more replaces the oldest.
    let maxDevices: Int

    func register(on group: RouterGroup<AppRequestContext>) {
        group.post("devices", use: create)
        group.delete("devices/:id", use: remove)
    }

    struct Created: Encodable, Sendable {
        let id: String
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> JSONResponse<Created> {
        let cpr = try context.requireResident()
        let body = try await JSONBody.decode(DeviceRequest.self, from: request, allowed: DeviceRequest.fields, maxBytes: 16 << 10)
        let device = try body.device(id: Digest.randomID(prefix: "dev_"), now: Date())
        let id = try await devices.register(device, cpr: cpr, max: maxDevices)
        // The id and platform only: the token is a credential for pushing to this resident.
        context.logger.info("device registered", metadata: ["device": "\(id)", "platform": "\(device.platform.rawValue)"])
        return JSONResponse(.created, Created(id: id))
    }

    @Sendable func remove(_ request: Request, context: AppRequestContext) async throws -> Response {
        let cpr = try context.requireResident()
        let id = context.parameters.get("id") ?? ""
        // Another resident's id is simply not in this resident's hash: the same 404 as an unknown one.
        guard try await devices.remove(cpr, id: id) else {
            throw NotifyError.notFound("no device \(id.prefix(64))")
        }
        return Response(status: .noContent)
    }
}
