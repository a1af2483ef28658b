import ArgumentParser
import Foundation
import SenimCore
import SenimStore

extension Language: ExpressibleByArgument {}
extension Role: ExpressibleByArgument {}
extension ReferralStatus: ExpressibleByArgument {}
extension WriteOffReason: ExpressibleByArgument {}
extension AmendReason: ExpressibleByArgument {}

/// Options every command that touches a store accepts.
struct GlobalOptions: ParsableArguments {
    @Option(name: .customLong("store"), help: ArgumentHelp(
        "The store folder.", discussion: "Default: $SENIM_STORE, else $XDG_DATA_HOME/senim, else ~/.local/share/senim.",
        valueName: "dir"))
    var store: String?

    @Option(name: .customLong("user"), help: ArgumentHelp("Your user name (default: $SENIM_USER).", valueName: "name"))
    var user: String?

    @Option(name: .customLong("passphrase-file"), help: ArgumentHelp(
        "Read your passphrase from the first line of this file (for scripts; at most 64 KiB; LF or CRLF line ends).",
        discussion: "Without it, $SENIM_PASSPHRASE is used, else the passphrase is read from the terminal without echo. "
            + "A passphrase is never accepted as a plain argument.",
        valueName: "file"))
    var passphraseFile: String?

    @Option(name: .customLong("lang"), help: ArgumentHelp("Language of messages: en, ru or kk (default: from LANG).", valueName: "lang"))
    var lang: Language?

    @Option(name: .customLong("config"), help: ArgumentHelp(
        "The configuration folder.",
        discussion: "Default: $SENIM_CONFIG, else /etc/senim/ when it has a catalogue.json, else the configuration built into senim.",
        valueName: "dir"))
    var config: String?

    /// Loads the configuration and picks the language; remembered for error messages.
    func environment() throws -> CLIEnvironment {
        if let e = Runtime.environment { return e }
        let env = try Runtime.load(configDirectory: config, language: lang)
        Runtime.environment = env
        return env
    }

    var storeURL: URL { URL(fileURLWithPath: Runtime.storePath(explicit: store)) }

    /// The user name from --user or $SENIM_USER.
    func userName() throws -> String {
        if let u = user, !u.isEmpty { return u }
        if let u = ProcessInfo.processInfo.environment["SENIM_USER"], !u.isEmpty { return u }
        throw CLIFailure.usage("cli.user.missing")
    }

    /// Your passphrase: --passphrase-file, else $SENIM_PASSPHRASE, else the terminal.
    func passphrase(for user: String) throws -> String {
        if let f = passphraseFile { return try Passphrases.fromFile(f) }
        if let p = ProcessInfo.processInfo.environment["SENIM_PASSPHRASE"] { return p }
        let env = try environment()
        return try Passphrases.prompt(env.t("cli.passphrase.prompt", user))
    }

    /// A new passphrase (for a new store or user): from `file`, else --passphrase-file /
    /// $SENIM_PASSPHRASE when `allowOwn`, else asked twice on the terminal.
    func newPassphrase(file: String?, allowOwn: Bool, for user: String) throws -> String {
        if let file { return try Passphrases.fromFile(file) }
        if allowOwn {
            if let f = passphraseFile { return try Passphrases.fromFile(f) }
            if let p = ProcessInfo.processInfo.environment["SENIM_PASSPHRASE"] { return p }
        }
        let env = try environment()
        let first = try Passphrases.prompt(env.t("cli.passphrase.new", user))
        let second = try Passphrases.prompt(env.t("cli.passphrase.again"))
        guard first == second else { throw CLIFailure.refused("cli.passphrase.mismatch") }
        return first
    }
}

/// Commands that print listings accept --json.
struct JSONFlag: ParsableArguments {
    @Flag(name: .customLong("json"), help: "Print stable JSON (schema in docs/cli.md) instead of a table.")
    var json = false
}
