import Foundation
import SenimCore

/// Loads the real `Config/` of this repository (tests run against what ships).
enum Fixtures {
    static let configDirectory: URL = {
        var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: dir.appendingPathComponent("Config/catalogue.json").path) {
            dir.deleteLastPathComponent()
        }
        return dir.appendingPathComponent("Config")
    }()

    static let configuration: Configuration = {
        try! Configuration.load(
            read: { try Data(contentsOf: configDirectory.appendingPathComponent($0)) },
            list: { try FileManager.default.contentsOfDirectory(atPath: configDirectory.appendingPathComponent($0).path) })
    }()

    static var catalogue: Catalogue { configuration.catalogue }
    static var formula: UICFormula { configuration.uic }
    static var validator: Validator { Validator(configuration) }

    static func ctx(_ role: Role = .worker, at: Timestamp = 1_780_000_000, site: String = "almaty-central",
                    author: String = "aigerim", id: UInt64 = 1) -> Validator.Context {
        Validator.Context(author: author, role: role, device: DeviceID(7), site: site, at: at,
                          id: EventID(high: id, low: id))
    }
}

/// A small deterministic generator for property tests (SplitMix64).
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E3779B97F4A7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        return z ^ (z >> 31)
    }
}
