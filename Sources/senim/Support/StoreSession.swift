import Foundation
import SenimCore
import SenimStore

/// What the commands need from an unlocked store. `SenimStore.Session` provides exactly
/// this (see StoreBridge.swift, the only file that names Session); commands never touch the
/// store's files themselves.
protocol StoreSession: AnyObject {
    var ledger: LedgerState { get }
    var user: String { get }
    var role: Role { get }
    var device: DeviceID { get }
    /// This store's default trust point.
    var point: String { get }
    /// Things the user should be told after opening (printed to stderr).
    var notices: [Message] { get }
    /// The configuration in use no longer defines ids the data uses, or the client-code
    /// formula changed since the store was made (printed to stderr after the notices).
    var configurationWarnings: [Message] { get }
    var validator: Validator { get }
    var eventCount: Int { get }
    func context(site: String?, at: Date?) -> Validator.Context
    func users() -> [(name: String, role: Role)]
    /// Saves events durably (policy-checked, authored by this user) and folds them.
    func save(_ events: [Event]) throws
    /// Adds events authored elsewhere (sync, synthetic data) without the author check.
    func importEvents(_ events: [Event]) throws -> (new: Int, known: Int)
    /// Bulk loading of synthetic data: durable appends without folding, then one fold.
    func bulkImport(_ events: [Event]) throws -> Int
    func finishBulkImport() throws
    func sealNote(_ plaintext: String) throws -> [UInt8]
    func openNote(_ sealed: [UInt8]) throws -> String
    /// `oneTime`: the user must choose their own passphrase at first unlock (false only for the demo).
    func addUser(name: String, role: Role, passphrase: String, testingKDF: Bool, oneTime: Bool) throws
    /// `force` is needed to remove (or reset) the last psychologist holding the notes key.
    func removeUser(name: String, force: Bool) throws
    func resetPassphrase(name: String, to oneTimePassphrase: String, force: Bool, testingKDF: Bool) throws
    func wouldLoseLastNotesHolder(_ name: String) -> Bool
    /// Needs the current passphrase.
    func changePassphrase(from current: String, to newPassphrase: String, testingKDF: Bool) throws
    var mustChangePassphrase: Bool { get }
    var holdsNotesKey: Bool { get }
    var keyFingerprint: String { get }
    func notesAccounts() throws -> [NotesAccount]
    func grantNotes(to name: String) throws
    func notesExchangeIdentity() throws -> (line: String, fingerprint: String)
    func shareNotesKeys(to line: String) throws -> [UInt8]
    func acceptNotesShare(_ share: [UInt8]) throws -> Int
    func compact() throws
    func rekey() throws
    func backup(to file: URL, force: Bool) throws
    func close()
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
