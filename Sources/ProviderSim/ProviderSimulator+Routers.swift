import Hummingbird

extension ProviderSimulator {
    /// SMS gateway, Twilio, FCM (token and send), Web Push and the control API.
    func makeHTTP1Router() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        GatewayRoutes(simulator: self).register(on: router)
        TwilioRoutes(simulator: self).register(on: router)
        FCMTokenRoutes(simulator: self).register(on: router)
        FCMSendRoutes(simulator: self).register(on: router)
        WebPushRoutes(simulator: self).register(on: router)
        ControlRoutes(simulator: self).register(on: router)
        return router
    }

    /// APNs alone: it is the only HTTP/2 provider.
    func makeAPNsRouter() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        APNsRoutes(simulator: self).register(on: router)
        return router
    }
}
