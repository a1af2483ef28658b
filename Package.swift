// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "Senim",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "senim", targets: ["senim"]),
        .library(name: "SenimCore", targets: ["SenimCore"]),
        .library(name: "SenimStore", targets: ["SenimStore"]),
        .library(name: "SenimTUI", targets: ["SenimTUI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
    ],
    targets: [
        // Pure domain: no files, no terminal, no clock.
        .target(name: "SenimCore"),
        // Encrypted append-only store, keyslots, backup, sync bundles.
        .target(
            name: "SenimStore",
            dependencies: [
                "SenimCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
            ]
        ),
        // ncursesw, through a shim header (see Sources/CNcursesw/shim.h).
        .systemLibrary(
            name: "CNcursesw",
            pkgConfig: "ncursesw",
            providers: [.apt(["libncursesw5-dev"])]
        ),
        // Model / Update / View; only Driver/Terminal.swift touches CNcursesw.
        .target(name: "SenimTUI", dependencies: ["SenimCore", "CNcursesw"]),
        .executableTarget(
            name: "senim",
            dependencies: [
                "SenimCore", "SenimStore", "SenimTUI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            plugins: ["EmbedConfig"]
        ),
        // Build-time: Config/ (and the commit built from) → EmbeddedConfig.swift in `senim`.
        .executableTarget(name: "senim-embed-config"),
        .plugin(name: "EmbedConfig", capability: .buildTool(), dependencies: ["senim-embed-config"]),
        // Test support (never linked by senim or the libraries): sample data, the in-memory
        // TUI backend, the seeded generator, the repository's Config/.
        .target(name: "SenimTestSupport", dependencies: ["SenimCore", "SenimTUI"]),
        // Test-only: the TUI over synthetic in-memory data, for the tmux end-to-end script.
        .executableTarget(name: "senim-tui-harness", dependencies: ["SenimTUI", "SenimCore", "SenimStore", "SenimTestSupport"]),
        // Test helper: a store writer the crash tests kill with SIGKILL (not installed).
        .executableTarget(name: "senim-store-torture", dependencies: ["SenimStore", "SenimCore"]),
        .testTarget(name: "SenimCoreTests", dependencies: ["SenimCore", "SenimTestSupport"]),
        .testTarget(name: "SenimStoreTests", dependencies: ["SenimStore", "SenimCore", "SenimTestSupport"]),
        .testTarget(name: "SenimTUITests", dependencies: ["SenimTUI", "SenimCore", "SenimTestSupport"], exclude: ["Snapshots"]),
        .testTarget(name: "SenimCLITests", dependencies: ["SenimCore", "SenimTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
