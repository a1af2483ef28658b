import Foundation
import SenimCore

/// The one place that calls the sync engine (`SenimStore.SyncEngine`).
///
/// WAITING FOR SenimStore/Sync (not on main yet): refuses with `cli.unavailable` (exit 70).
enum SyncBridge {
    static func unavailable() -> CLIFailure { CLIFailure(Message("cli.unavailable", "SenimStore.SyncEngine"), .software) }

    static func identityLine(_ s: any StoreSession) throws -> String { throw unavailable() }
    static func trust(_ s: any StoreSession, name: String, key: String) throws { throw unavailable() }
    static func trusted(_ s: any StoreSession) throws -> [(name: String, key: String)] { throw unavailable() }
    /// Writes the bundle atomically; returns the number of events in it.
    static func export(_ s: any StoreSession, to peer: String, all: Bool, file: URL) throws -> Int { throw unavailable() }
    /// Imports; returns the summary lines to print.
    static func importBundle(_ s: any StoreSession, bytes: [UInt8], env: CLIEnvironment) throws -> [String] { throw unavailable() }
}
