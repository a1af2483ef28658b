import Foundation
import SenimCore

/// Finds and reads the configuration. The core parses; this file does the file access.
///
/// Order of precedence for `senim` (docs/cli.md, "Configuration"): `--config DIR`, then
/// `$SENIM_CONFIG`, then `/etc/senim/` when it holds a `catalogue.json`, then the configuration
/// built into the executable (the repository's `Config/` at build time).
public enum ConfigFiles {
    /// Where the system-wide configuration lives (a folder laid out like `Config/`).
    public static let systemDirectory = "/etc/senim"

    /// Where a configuration comes from.
    public enum Source: Sendable, Equatable {
        case option(URL)
        case environment(URL)
        case system(URL)
        case builtIn

        public var directory: URL? {
            switch self {
            case .option(let u), .environment(let u), .system(let u): return u
            case .builtIn: return nil
            }
        }
    }

    /// Picks the configuration by the order of precedence. An explicit folder or
    /// `$SENIM_CONFIG` is taken as given (loading it reports what is wrong with it); the system
    /// folder counts only when it has a `catalogue.json`.
    public static func locate(explicit: String? = nil,
                              environment: [String: String] = ProcessInfo.processInfo.environment,
                              system: String = systemDirectory) -> Source {
        if let e = explicit, !e.isEmpty { return .option(URL(fileURLWithPath: e)) }
        if let e = environment["SENIM_CONFIG"], !e.isEmpty { return .environment(URL(fileURLWithPath: e)) }
        let sys = URL(fileURLWithPath: system)
        if FileManager.default.fileExists(atPath: sys.appendingPathComponent("catalogue.json").path) { return .system(sys) }
        return .builtIn
    }

    /// Loads `source`; `builtIn` is the executable's embedded files (see `load(files:)`).
    public static func load(_ source: Source, builtIn: [String: Data]) throws -> Configuration {
        if let dir = source.directory { return try load(from: dir) }
        return try load(files: builtIn)
    }

    /// Loads a configuration held in memory: path relative to the configuration folder
    /// ("catalogue.json", "locales/ru/cli.json") → the file's bytes.
    public static func load(files: [String: Data]) throws -> Configuration {
        try Configuration.load(
            read: { name in
                guard let data = files[name] else {
                    throw ConfigError(file: "(built-in)/" + name, field: "(file)", problem: "cannot be read")
                }
                return data
            },
            list: { sub in
                let prefix = sub.hasSuffix("/") ? sub : sub + "/"
                let names = files.keys.filter { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) }
                return names.filter { !$0.contains("/") }
            })
    }

    /// Test tools only (the TUI harness, the store torture writer): `Config/` in a parent of
    /// the running executable, i.e. the source tree the build folder sits in.
    public static func buildTreeDirectory() -> URL? {
        var dir = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath()
            .deletingLastPathComponent()
        for _ in 0..<8 {
            let c = dir.appendingPathComponent("Config")
            if FileManager.default.fileExists(atPath: c.appendingPathComponent("catalogue.json").path) { return c }
            dir.deleteLastPathComponent()
        }
        return nil
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

    /// For test tools: an explicit folder, else `$SENIM_CONFIG`, else the build tree's `Config/`.
    /// (`senim` itself uses `locate` and its built-in configuration.)
    public static func loadDefault(explicit: String? = nil) throws -> Configuration {
        let dir: URL
        if let e = explicit, !e.isEmpty {
            dir = URL(fileURLWithPath: e)
        } else if let e = ProcessInfo.processInfo.environment["SENIM_CONFIG"], !e.isEmpty {
            dir = URL(fileURLWithPath: e)
        } else if let found = buildTreeDirectory() {
            dir = found
        } else {
            throw ConfigError(file: "Config/", field: "(folder)",
                              problem: "not found: pass --config DIR or set SENIM_CONFIG")
        }
        return try load(from: dir)
    }
}
