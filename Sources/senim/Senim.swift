import ArgumentParser
import Foundation
import SenimCore

/// `senim`: the command line of Senim. Coordinators script it, tests drive it, technicians
/// use it over SSH; outreach workers use the TUI (`senim tui`). Every TUI operation exists here.
@main
struct Senim: ParsableCommand {
    /// The release version (the Debian package takes it from `senim --version`).
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "senim",
        abstract: "Anonymous case management for harm-reduction outreach (trust points, Kazakhstan).",
        discussion: """
            Senim keeps client contacts, supplies, referrals and reports in an encrypted local store. \
            Clients are known only by a code (UIC); names, IIN, phone numbers and e-mail addresses are \
            refused everywhere.

            Options shared by the store commands: --store DIR (default $SENIM_STORE, else \
            $XDG_DATA_HOME/senim, else ~/.local/share/senim), --user NAME (default $SENIM_USER), \
            --passphrase-file FILE (else $SENIM_PASSPHRASE, else asked on the terminal without echo), \
            --lang en|ru|kk (default from LANG), --config DIR (default $SENIM_CONFIG, else /etc/senim/, \
            else the configuration built into senim; `senim doctor` says which). Listings and reports take --json \
            (schemas in docs/cli.md). Dates are YYYY-MM-DD; times ISO 8601 (local time unless \
            they end in Z or +hh:mm).

            \(ExitStatus.helpText)
            """,
        version: "\(version) (commit \(BuildInfo.commit))",
        subcommands: [
            InitCommand.self, UserCommand.self, PasswdCommand.self, UICCommand.self, ClientCommand.self,
            ContactCommand.self, IncidentCommand.self, ActivityCommand.self, StockCommand.self, ReferralCommand.self,
            ReportCommand.self,
            BackupCommand.self, RestoreCommand.self, VerifyCommand.self, CompactCommand.self,
            RekeyCommand.self, SalvageCommand.self, SyncCommand.self, NotesCommand.self, VoidCommand.self, DemoCommand.self, TUICommand.self,
            DoctorCommand.self, DevCommand.self,
        ])

    /// Parses, runs, and turns every failure into a message in the user's language and a
    /// sysexits code. Argument errors keep ArgumentParser's text and its code 64.
    /// More arguments than any command needs are refused before parsing (the parser's time
    /// grows faster than linearly with thousands of repeated options).
    static let maxArguments = 1_000

    static func main() {
        if CommandLine.arguments.count - 1 > maxArguments {
            let f = CLIFailure(Message("cli.args.tooMany", String(CommandLine.arguments.count - 1), String(maxArguments)), .usage)
            report(f)
            Foundation.exit(f.status.rawValue)
        }
        let command: ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            exitMasked(error)
        }
        do {
            var c = command
            try c.run()
            Foundation.exit(ExitStatus.success.rawValue)
        } catch let e as ExitCode {
            Foundation.exit(e.rawValue)
        } catch {
            // ArgumentParser's own errors (help, usage, validation) keep its text and codes.
            if String(reflecting: type(of: error)).hasPrefix("ArgumentParser.") { exitMasked(error) }
            let f = Failures.classify(error)
            report(f)
            Foundation.exit(f.status.rawValue)
        }
    }

    /// ArgumentParser's own error, with every quoted value it repeats ("The value '…' is
    /// invalid for '--role'") masked if it holds an identifier. Help and version pass unchanged.
    static func exitMasked(_ error: Error) -> Never {
        let code = exitCode(for: error)
        guard code != .success else { exit(withError: error) }
        var text = fullMessage(for: error)
        let parts = text.split(separator: "'", omittingEmptySubsequences: false)
        if parts.count > 2 {
            text = parts.enumerated().map { i, part in i % 2 == 1 ? PrivacyGuard.echo(String(part)) : String(part) }
                .joined(separator: "'")
        }
        if !text.isEmpty { FileHandle.standardError.write(Data((text + "\n").utf8)) }
        Foundation.exit(code.rawValue)
    }

    static func report(_ f: CLIFailure) {
        let text: String
        if let env = Runtime.bestEffortEnvironment() {
            text = env.text(f.message)
        } else if f.message.key == "cli.config.invalid", let detail = f.message.args.first {
            text = "The configuration cannot be used: \(detail)"
        } else {
            text = f.message.description
        }
        Out.error("senim: " + text)
        for d in f.details { Out.error("  " + d) }
    }
}
