import Foundation
import SenimCore
import SenimStore
import SenimTUI

/// The one place that starts the TUI (`SenimTUI.TUIApp.run`): the unlock screen opens the
/// store in `store` with the typed user name and passphrase, and again after every lock.
enum TUIBridge {
    static func run(env: CLIEnvironment, store: URL, initialUser: String?) throws -> Int32 {
        let configuration = env.configuration
        // Exports go to the working folder through OutputFile: never inside the store folder,
        // never over an existing file, written atomically.
        let writeFile: (String, String) throws -> String = { name, content in
            try OutputFile.writeNew(Array(content.utf8), named: name,
                                    in: URL(fileURLWithPath: FileManager.default.currentDirectoryPath), storeDirectory: store)
        }
        return TUIApp.run(configuration: configuration, language: env.language, initialUser: initialUser,
                          writeFile: writeFile) { user, passphrase in
            try Session.open(at: store, user: user, passphrase: passphrase, configuration: configuration)
        }
    }
}
