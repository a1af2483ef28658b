import Foundation
import SenimCore
import SenimStore

/// What the commands need from an unlocked store: the shared `StoreAccess` (SenimCore, also
/// the TUI's) plus what only the command line does (bulk and sync imports, notes exchange,
/// compaction, backup, the test KDF). `SenimStore.Session` provides it (see StoreBridge.swift,
/// the only file that adapts Session); commands never touch the store's files themselves.
protocol StoreSession: StoreAccess {
    var device: DeviceID { get }
    var validator: Validator { get }
    var eventCount: Int { get }
    /// `site` nil: this store's point; `at` nil: now.
    func context(site: String?, at: Date?) -> Validator.Context
    func users() -> [(name: String, role: Role)]
    /// Adds events authored elsewhere (sync, synthetic data) without the author check.
    func importEvents(_ events: [Event]) throws -> (new: Int, known: Int)
    /// Bulk loading of synthetic data: durable appends without folding, then one fold.
    func bulkImport(_ events: [Event]) throws -> Int
    func finishBulkImport() throws
    /// `oneTime`: the user must choose their own passphrase at first unlock (false only for the demo).
    func addUser(name: String, role: Role, passphrase: String, testingKDF: Bool, oneTime: Bool) throws
    func resetPassphrase(name: String, to oneTimePassphrase: String, force: Bool, testingKDF: Bool) throws
    func wouldLoseLastNotesHolder(_ name: String) -> Bool
    /// Needs the current passphrase.
    func changePassphrase(from current: String, to newPassphrase: String, testingKDF: Bool) throws
    var holdsNotesKey: Bool { get }
    func notesExchangeIdentity() throws -> (line: String, fingerprint: String)
    func shareNotesKeys(to line: String) throws -> [UInt8]
    func acceptNotesShare(_ share: [UInt8]) throws -> Int
    func compact() throws
    func backup(to file: URL, force: Bool) throws
}

/// What `senim verify` reports.
struct VerifyResult: Sendable {
    struct Line: Sendable { var file: String; var ok: Bool; var text: String }
    var ok: Bool
    var events: Int
    var lines: [Line]
}

struct SalvageResult: Sendable {
    var events: Int
    var users: [String]
    var skipped: [String]
}
