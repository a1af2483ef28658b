import Foundation
import SenimCore
import SenimStore

/// The one place that names the store's types: creating, opening and maintaining stores,
/// and mapping store errors to exit codes.
///
/// WAITING FOR SenimStore.Session (not on main yet): until it lands, every operation here
/// refuses with `cli.unavailable` (exit 70). Wiring it is this file only.
enum StoreBridge {
    static func unavailable() -> CLIFailure { CLIFailure(Message("cli.unavailable", "SenimStore.Session"), .software) }

    static func exists(at directory: URL) -> Bool {
        FileManager.default.fileExists(atPath: directory.appendingPathComponent("keys").path)
    }

    static func create(at directory: URL, user: String, passphrase: String, point: String,
                       configuration: Configuration, testingKDF: Bool) throws -> any StoreSession {
        throw unavailable()
    }

    static func open(at directory: URL, user: String, passphrase: String,
                     configuration: Configuration) throws -> any StoreSession {
        throw unavailable()
    }

    static func restore(from file: URL, to directory: URL, force: Bool) throws {
        throw unavailable()
    }

    static func verify(at directory: URL, user: String, passphrase: String,
                       configuration: Configuration) throws -> VerifyResult {
        throw unavailable()
    }

    static func salvage(from directory: URL, to newDirectory: URL, user: String, passphrase: String,
                        configuration: Configuration) throws -> SalvageResult {
        throw unavailable()
    }

    /// Store errors → exit codes (nil: not a store error).
    static func classify(_ error: Error) -> CLIFailure? {
        nil
    }
}
