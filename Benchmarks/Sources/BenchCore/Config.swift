import Foundation
import SenimCore

/// Finds the repository's Config/ (walking up from the working directory, then from this file).
public func loadConfiguration() throws -> Configuration {
    func find(from start: URL) -> URL? {
        var dir = start
        for _ in 0..<8 {
            let c = dir.appendingPathComponent("Config/catalogue.json")
            if FileManager.default.fileExists(atPath: c.path) { return dir.appendingPathComponent("Config") }
            dir.deleteLastPathComponent()
        }
        return nil
    }
    guard let dir = find(from: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
            ?? find(from: URL(fileURLWithPath: #filePath).deletingLastPathComponent()) else {
        throw BenchError("cannot find Config/catalogue.json above the working directory")
    }
    return try Configuration.load(
        read: { try Data(contentsOf: dir.appendingPathComponent($0)) },
        list: { try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent($0).path) })
}

public struct BenchError: Error, CustomStringConvertible {
    public var description: String
    public init(_ d: String) { description = d }
}
