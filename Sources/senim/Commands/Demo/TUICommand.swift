import ArgumentParser
import Foundation
import SenimCore

struct TUICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tui",
        abstract: "Open the full-screen interface on an existing store.",
        discussion: "The TUI asks for the user name (prefilled from --user / $SENIM_USER) and the passphrase.")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let env = try global.environment()
        let dir = global.storeURL
        guard StoreBridge.exists(at: dir) else { throw CLIFailure(Message("cli.store.none", dir.path), .noInput) }
        let user = global.user ?? ProcessInfo.processInfo.environment["SENIM_USER"]
        let code = try TUIBridge.run(env: env, store: dir, initialUser: user)
        if code != 0 { throw ExitCode(code) }
    }
}
