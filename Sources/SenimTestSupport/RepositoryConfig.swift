import Foundation
import SenimCore

/// The repository's own `Config/` (tests run against what ships), found by walking up from
/// this file to the folder that holds `Config/catalogue.json`.
public enum RepositoryConfig {
    public static let directory: URL = {
        var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: dir.appendingPathComponent("Config/catalogue.json").path) {
            guard dir.pathComponents.count > 1 else { fatalError("no Config/catalogue.json above \(#filePath)") }
            dir.deleteLastPathComponent()
        }
        return dir.appendingPathComponent("Config")
    }()

    /// The package root (the folder holding `Config/` and Package.swift).
    public static var packageRoot: URL { directory.deletingLastPathComponent() }

    /// `Config/` loaded through the core's loader (the same rules `ConfigFiles` applies).
    public static let configuration: Configuration = {
        do {
            return try Configuration.load(
                read: { try Data(contentsOf: directory.appendingPathComponent($0)) },
                list: { try FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent($0).path) })
        } catch {
            fatalError("the repository's Config/ does not load: \(error)")
        }
    }()
}
