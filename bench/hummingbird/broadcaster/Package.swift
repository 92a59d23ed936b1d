// swift-tools-version:6.2
// The Hummingbird 2 reference broadcaster for `make bench` (bench/run.py builds it once, release).
import PackageDescription

let package = Package(
    name: "HBBroadcast",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", exact: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", exact: "2.8.1"),
    ],
    targets: [
        .executableTarget(
            name: "hb_broadcast",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
            ],
            path: "Sources/HBBroadcast"
        )
    ]
)
