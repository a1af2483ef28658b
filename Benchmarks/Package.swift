// swift-tools-version:6.1
// Senim's benchmark executable. A separate package so the main build stays lean:
// run it with `scripts/bench` (release build), never from the test suite.
import PackageDescription

let package = Package(
    name: "SenimBenchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "Senim", path: ".."),
        // The same swift-crypto as the store: the decrypt floor and the KDF alone.
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
    ],
    targets: [
        // The system's libsqlite3 (libsqlite3-dev, installed by scripts/deps), for side-by-side figures.
        .systemLibrary(name: "CSQLite", providers: [.apt(["libsqlite3-dev"])]),
        // Clock, configuration, data and the core micro-benchmarks (no crypto, no store).
        .target(name: "BenchCore", dependencies: [.product(name: "SenimCore", package: "Senim")]),
        // The core figures alone, small enough for valgrind --tool=callgrind.
        .executableTarget(name: "senim-prof", dependencies: ["BenchCore"]),
        .executableTarget(
            name: "senim-bench",
            dependencies: [
                "BenchCore",
                "CSQLite",
                .product(name: "SenimCore", package: "Senim"),
                .product(name: "SenimStore", package: "Senim"),
                .product(name: "SenimTUI", package: "Senim"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
