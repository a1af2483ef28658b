// swift-tools-version:6.1
// Senim's benchmark executable. A separate package so the main build stays lean:
// run it with `scripts/bench` (release build), never from the test suite.
import PackageDescription

let package = Package(
    name: "SenimBenchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "Senim", path: ".."),
    ],
    targets: [
        // The system's libsqlite3 (libsqlite3-dev, installed by scripts/deps), for side-by-side figures.
        .systemLibrary(name: "CSQLite", providers: [.apt(["libsqlite3-dev"])]),
        .executableTarget(
            name: "senim-bench",
            dependencies: [
                "CSQLite",
                .product(name: "SenimCore", package: "Senim"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
