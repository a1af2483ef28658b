import Foundation
import SenimCore

/// Finds and reads `Config/`. The core parses; this file does the file access.
///
/// Search order: an explicit directory, `$SENIM_CONFIG`, then `Config/` in each parent of the
/// running executable (a build tree), then `../share/senim/Config` beside it (an install),
/// then `/usr/share/senim/Config`.
public enum ConfigFiles {
    public static func locate(explicit: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) -> URL? {
        let fm = FileManager.default
        func ok(_ u: URL) -> Bool { fm.fileExists(atPath: u.appendingPathComponent("catalogue.json").path) }
        if let e = explicit { return URL(fileURLWithPath: e) }
        if let e = environment["SENIM_CONFIG"], !e.isEmpty { return URL(fileURLWithPath: e) }
        var dir = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath()
            .deletingLastPathComponent()
        for _ in 0..<8 {
            let c = dir.appendingPathComponent("Config")
            if ok(c) { return c }
            let share = dir.appendingPathComponent("share/senim/Config")
            if ok(share) { return share }
            dir.deleteLastPathComponent()
        }
        let cwd = URL(fileURLWithPath: fm.currentDirectoryPath).appendingPathComponent("Config")
        if ok(cwd) { return cwd }
        let system = URL(fileURLWithPath: "/usr/share/senim/Config")
        return ok(system) ? system : nil
    }

    /// The largest configuration file read (the shipped ones are a few KiB).
    public static let maxFileSize = 4 << 20

    /// Loads and validates the whole configuration from `directory`. Each file is size-checked
    /// before it is read (`BoundedFile`).
    public static func load(from directory: URL) throws -> Configuration {
        try Configuration.load(
            read: { name in
                let url = directory.appendingPathComponent(name)
                do throws(BoundedFile.Failure) { return Data(try BoundedFile.read(url.path, limit: maxFileSize)) } catch {
                    if case .tooLarge = error {
                        throw ConfigError(file: url.path, field: "(file)", problem: "larger than \(maxFileSize) bytes")
                    }
                    throw ConfigError(file: url.path, field: "(file)", problem: "cannot be read")
                }
            },
            list: { sub in
                let url = directory.appendingPathComponent(sub)
                do { return try FileManager.default.contentsOfDirectory(atPath: url.path) } catch {
                    throw ConfigError(file: url.path, field: "(folder)", problem: "cannot be read")
                }
            })
    }

    /// Locates and loads, or throws a ConfigError that says where it looked.
    public static func loadDefault(explicit: String? = nil) throws -> Configuration {
        guard let dir = locate(explicit: explicit) else {
            throw ConfigError(file: "Config/", field: "(folder)",
                              problem: "not found: pass --config DIR or set SENIM_CONFIG")
        }
        return try load(from: dir)
    }
}
