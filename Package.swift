// swift-tools-version:6.1
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "NotifyMe",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "notifyme", targets: ["notifyme"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", "4.1.0"..<"5.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.8.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        // The HTTP server's own channel handler (request time and body limits) sits in Hummingbird's NIO pipeline.
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.0"),
        // Counters, gauges and timers in the code (swift-metrics), served as Prometheus text at /metrics.
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        // C libraries from Debian, found through pkg-config.
        .systemLibrary(
            name: "CHiredis",
            pkgConfig: "hiredis",
            providers: [.apt(["libhiredis-dev"])]
        ),
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),

        // Swift wrappers: the only modules that import C.
        .target(
            name: "Redis",
            dependencies: [
                "CHiredis",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "Transport",
            dependencies: [
                "CCurl",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),

        // Domain, no I/O.
        .target(
            name: "NotifyCore",
            dependencies: [
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "NotifyConfig",
            dependencies: [
                "NotifyCore",
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "NotifyStore",
            dependencies: [
                "NotifyCore",
                "Redis",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "NotifyAPI",
            dependencies: [
                "NotifyCore",
                "NotifyConfig",
                "NotifyStore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "JWTKit", package: "jwt-kit"),
                // HMAC for receipt and callback signatures.
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            // Served as they are: the binary carries them, so nothing has to be installed beside it.
            resources: [.embedInCode("Console/console.html"), .embedInCode("OpenAPI/openapi.yaml")],
            swiftSettings: strict
        ),
        .target(
            name: "NotifyWorkers",
            dependencies: [
                "NotifyCore",
                "NotifyConfig",
                "NotifyStore",
                "Transport",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                // Push needs P-256 ECDH and HKDF (Web Push), ES256/RS256 JWTs (APNs, FCM, VAPID).
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            path: "Workers",
            swiftSettings: strict
        ),
        // Stands in for SMS, push providers in tests, benchmarks and `notifyme run`.
        .target(
            name: "ProviderSim",
            dependencies: [
                "NotifyCore",
                "Transport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdHTTP2", package: "hummingbird"),
                // The SMTP simulator is a plain NIO server (Hummingbird speaks HTTP only).
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "notifyme",
            dependencies: [
                "NotifyAPI",
                "NotifyWorkers",
                "NotifyConfig",
                "ProviderSim",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: strict,
            // jemalloc (Debian's libjemalloc-dev) in place of glibc's malloc: the workers allocate and free many small objects
            // across threads, and glibc's malloc took a fifth of the service's CPU in the SMS bench.
            linkerSettings: [.linkedLibrary("jemalloc", .when(platforms: [.linux]))]
        ),

        // Tests.
        .target(
            name: "NotifyTestSupport",
            dependencies: [
                // The WebDriver client (console tests) speaks HTTP through the project's own transport.
                "Transport",
                // The webhook receiver is a small Hummingbird server.
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Tests/NotifyTestSupport",
            swiftSettings: strict
        ),
        .testTarget(
            name: "NotifyCoreTests",
            dependencies: ["NotifyCore", "NotifyConfig"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "RedisTests",
            dependencies: ["Redis", "NotifyTestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "TransportTests",
            dependencies: ["Transport", "NotifyTestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ProviderSimTests",
            dependencies: [
                "ProviderSim", "Transport", "NotifyTestSupport",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "NotifyWorkersTests",
            dependencies: [
                "NotifyWorkers", "NotifyCore", "NotifyTestSupport", "Transport",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "JWTKit", package: "jwt-kit"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "NotifyIntegrationTests",
            dependencies: [
                "NotifyAPI", "NotifyWorkers", "NotifyStore", "NotifyTestSupport", "ProviderSim",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: strict
        ),
    ],
    swiftLanguageModes: [.v6]
)
