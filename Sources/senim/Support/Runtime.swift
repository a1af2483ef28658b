import Foundation
import SenimCore
import SenimStore

/// The loaded configuration and the user's language.
struct CLIEnvironment: Sendable {
    var configuration: Configuration
    var language: Language
    /// Where the configuration came from (`senim doctor` says it).
    var configSource: ConfigFiles.Source = .builtIn

    var strings: Strings { configuration.strings }
    func t(_ key: String, _ args: String...) -> String { strings.t(key, language, args) }
    func text(_ m: Message) -> String { m.text(strings, language) }
    var validator: Validator { Validator(configuration) }
}

/// Process-wide state of one `senim` run (one command per process).
enum Runtime {
    /// Set once per process by the command being run (GlobalOptions, `uic`, `demo`) before it
    /// reads it; `senim` runs one command on the main thread and starts no other threads that
    /// touch it, so the unsynchronised static is never accessed concurrently.
    nonisolated(unsafe) static var environment: CLIEnvironment?

    static var env: [String: String] { ProcessInfo.processInfo.environment }

    static func load(configDirectory: String?, language: Language?) throws -> CLIEnvironment {
        let source = ConfigFiles.locate(explicit: configDirectory, environment: env)
        let configuration = try ConfigFiles.load(source, builtIn: BuiltInConfig.files)
        return CLIEnvironment(configuration: configuration, language: language ?? languageFromEnvironment(),
                              configSource: source)
    }

    /// LC_ALL, then LC_MESSAGES, then LANG (POSIX order); English when none names en/ru/kk.
    static func languageFromEnvironment() -> Language {
        for k in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            if let v = env[k], !v.isEmpty, v != "C", v != "POSIX" { return Language.fromLocale(v) }
        }
        return .en
    }

    /// --store, else $SENIM_STORE, else $XDG_DATA_HOME/senim, else ~/.local/share/senim.
    static func storePath(explicit: String?) -> String {
        if let s = explicit, !s.isEmpty { return expand(s) }
        if let s = env["SENIM_STORE"], !s.isEmpty { return expand(s) }
        if let x = env["XDG_DATA_HOME"], !x.isEmpty { return expand(x) + "/senim" }
        let home = env["HOME"] ?? NSHomeDirectory()
        return home + "/.local/share/senim"
    }

    static func expand(_ path: String) -> String {
        if path == "~" { return env["HOME"] ?? path }
        if path.hasPrefix("~/") { return (env["HOME"] ?? "~") + path.dropFirst(1) }
        return path
    }

    /// For messages printed before a command loaded its environment (argument errors,
    /// configuration errors): looks at the raw arguments for --lang and --config.
    static func bestEffortEnvironment() -> CLIEnvironment? {
        if let e = environment { return e }
        let args = CommandLine.arguments
        func value(_ name: String) -> String? {
            for (i, a) in args.enumerated() {
                if a == name, i + 1 < args.count { return args[i + 1] }
                if a.hasPrefix(name + "=") { return String(a.dropFirst(name.count + 1)) }
            }
            return nil
        }
        let lang = value("--lang").flatMap(Language.init(rawValue:))
        return try? load(configDirectory: value("--config"), language: lang)
    }

    /// Tests ask for cheap key derivation with SENIM_KDF=testing (store creation, new users,
    /// new passphrases only). Never use it for a real store.
    static var testingKDF: Bool { env["SENIM_KDF"] == "testing" }
}
