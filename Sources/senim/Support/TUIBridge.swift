import Foundation
import SenimCore

/// The one place that starts the TUI (`SenimTUI.TUIApp.run`).
///
/// WAITING FOR SenimTUI.TUIApp (not on main yet): refuses with `cli.unavailable` (exit 70).
enum TUIBridge {
    static func run(env: CLIEnvironment, store: URL, initialUser: String?) throws -> Int32 {
        throw CLIFailure(Message("cli.unavailable", "SenimTUI.TUIApp"), .software)
    }
}
