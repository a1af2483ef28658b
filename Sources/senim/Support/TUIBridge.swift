import Foundation
import SenimCore
import SenimStore
import SenimTUI

/// The one place that starts the TUI (`SenimTUI.TUIApp.run`): the unlock screen opens the
/// store in `store` with the typed user name and passphrase, and again after every lock.
enum TUIBridge {
    static func run(env: CLIEnvironment, store: URL, initialUser: String?) throws -> Int32 {
        let configuration = env.configuration
        return TUIApp.run(configuration: configuration, language: env.language, initialUser: initialUser) { user, passphrase in
            SessionBackend(try Session.open(at: store, user: user, passphrase: passphrase, configuration: configuration))
        }
    }
}
