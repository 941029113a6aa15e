import Foundation
import Logging
import NotifyTestSupport
import ProviderSim
import ServiceLifecycle
import Testing
import Transport

extension ProviderSimTests {
    @Suite(.timeLimit(.minutes(2)))
    struct LifecycleTests {
        @Test func withRunningListensOnlyDuringTheBody() async throws {
            let (port, h2Port) = try await withSimulator { sim in
                let ports = try await sim.ready()
                #expect(sim.baseURL == "http://127.0.0.1:\(ports.http1Port)")
                #expect(sim.apnsURL == "http://127.0.0.1:\(ports.http2Port)")
                #expect(try await send(sim.baseURL + "/_sim/counts", method: "GET").status == 200)
                return ports
            }
            let closed = try await eventually { !Loopback.isListening(port: port) && !Loopback.isListening(port: h2Port) }
            #expect(closed)
        }

        @Test func stopsOnGracefulShutdown() async throws {
            let sim = try ProviderSimulator(configuration: SimulatorConfiguration(credentialsDirectory: sharedCredentialsDirectory))
            var logger = Logger(label: "test")
            logger.logLevel = .warning
            let group = ServiceGroup(configuration: .init(services: [sim], logger: logger))
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                let ports = try await sim.ready()
                #expect(Loopback.isListening(port: ports.http1Port))
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
                #expect(!Loopback.isListening(port: ports.http1Port))
            }
        }

        @Test func reportsAPortInUse() async throws {
            try await withSimulator { running in
                let taken = try await running.ready().http1Port
                await #expect(throws: (any Error).self) {
                    try await withSimulator(SimulatorConfiguration(port: taken)) { _ in }
                }
            }
        }
    }
}
