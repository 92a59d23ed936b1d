// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "Detente",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "detente", targets: ["detente"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        // libwebsockets, as Debian ships it; only DetenteTransport imports it.
        .systemLibrary(
            name: "CLibWebSockets",
            pkgConfig: "libwebsockets",
            providers: [.apt(["libwebsockets-dev"])]
        ),
        // libpq, as Debian ships it; only DetentePostgres imports it.
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        // The pure core: no I/O, no threads, no clock of its own. One module per concern, in
        // dependency order; DetenteCore re-exports them for the outer layers.
        .target(name: "DetenteModel"),
        .target(name: "DetenteAnonymiser", dependencies: ["DetenteModel"]),
        .target(name: "DetenteDrafter", dependencies: ["DetenteModel"]),
        .target(name: "DetenteWorkshop", dependencies: ["DetenteModel", "DetenteAnonymiser", "DetenteDrafter"]),
        .target(name: "DetenteTranscript", dependencies: ["DetenteModel", "DetenteDrafter", "DetenteWorkshop"]),
        .target(name: "DetenteCore", dependencies: ["DetenteModel", "DetenteAnonymiser", "DetenteDrafter", "DetenteWorkshop", "DetenteTranscript"]),
        // Durable storage: hash-chained JSON-lines journal with group commit.
        .target(
            name: "DetenteJournal",
            dependencies: [
                "DetenteModel", "DetenteWorkshop",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The journal in PostgreSQL (same records, group commit, ownership by advisory lock).
        .target(
            name: "DetentePostgres",
            dependencies: [
                "CLibPQ", "DetenteCore", "DetenteJournal",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The only module that talks to libwebsockets.
        .target(
            name: "DetenteTransport",
            dependencies: [
                "CLibWebSockets",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Composition: routes commands to workshops, journals, then acks and broadcasts.
        .target(
            name: "DetenteServer",
            dependencies: [
                "DetenteCore", "DetenteJournal", "DetenteTransport",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        .executableTarget(
            name: "detente",
            dependencies: [
                "DetenteCore", "DetenteJournal", "DetentePostgres", "DetenteServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .testTarget(name: "DetenteCoreTests", dependencies: ["DetenteCore", "DetenteModel", "DetenteAnonymiser", "DetenteDrafter", "DetenteWorkshop", "DetenteTranscript"]),
        .testTarget(name: "DetenteJournalTests", dependencies: ["DetenteJournal", "DetenteCore", "DetentePostgres"]),
        .testTarget(name: "DetenteServerTests", dependencies: ["DetenteServer", "DetenteTransport", "DetenteCore", "DetenteJournal", .product(name: "Logging", package: "swift-log")]),
    ]
)
