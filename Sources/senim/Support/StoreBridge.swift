import Foundation
import SenimCore
import SenimStore
import SenimTUI

/// The one place that names the store's types: creating, opening and maintaining stores,
/// Commands see only `StoreSession`; store errors carry their own `FailureCategory`.
enum StoreBridge {
    static func kdf(_ testing: Bool) -> KDFParameters { testing ? .testing : .default }

    static func exists(at directory: URL) -> Bool { Session.exists(at: directory) }

    /// The fingerprint of a notes exchange line (`senim notes share` prints it to compare).
    static func exchangeFingerprint(_ line: String) throws -> String { try Session.parseExchangeLine(line).fingerprint }

    static func create(at directory: URL, user: String, passphrase: String, point: String,
                       configuration: Configuration, testingKDF: Bool) throws -> any StoreSession {
        try Session.create(at: directory, user: user, passphrase: passphrase, point: point,
                           configuration: configuration, kdf: kdf(testingKDF))
    }

    static func open(at directory: URL, user: String, passphrase: String,
                     configuration: Configuration, readOnly: Bool = false) throws -> any StoreSession {
        try Session.open(at: directory, user: user, passphrase: passphrase, configuration: configuration, readOnly: readOnly)
    }

    static func restore(from file: URL, to directory: URL, force: Bool) throws {
        try Session.restore(from: file, to: directory, force: force)
    }

    static func verify(at directory: URL, user: String, passphrase: String,
                       configuration: Configuration) throws -> VerifyResult {
        let r = try Session.verify(at: directory, user: user, passphrase: passphrase, configuration: configuration)
        return VerifyResult(ok: r.ok, events: r.eventCount, lines: r.lines.map { .init(file: $0.file, ok: $0.ok, text: $0.text) })
    }

    static func salvage(from directory: URL, to newDirectory: URL, user: String, passphrase: String,
                        configuration: Configuration) throws -> SalvageResult {
        let r = try Session.salvage(from: directory, to: newDirectory, user: user, passphrase: passphrase,
                                    configuration: configuration)
        return SalvageResult(events: r.events, users: r.users, skipped: r.skipped)
    }
}

/// `Session` is the real store behind both front ends: `StoreAccess` (shared), `StoreSession`
/// (the CLI's extras) and `TUIBackend` (the TUI's). Where the protocol's shape differs from
/// Session's own (a time as `Timestamp`, the store's KDF parameters), the methods below adapt.
extension Session: StoreSession, TUIBackend {
    public func context(site: String, at: Timestamp) -> Validator.Context {
        context(site: Optional(site), at: Optional(Date(timeIntervalSince1970: TimeInterval(at))))
    }

    public func userAccounts() throws -> [UserAccount] {
        users().map { UserAccount(name: $0.name, role: $0.role, lastNotesHolder: wouldLoseLastNotesHolder($0.name)) }
    }

    public func addUser(name: String, role: Role, passphrase: String) throws {
        try addUser(name: name, role: role, passphrase: passphrase, kdf: nil, oneTime: true)
    }

    public func resetPassphrase(name: String, to oneTimePassphrase: String, force: Bool) throws {
        try resetPassphrase(name: name, to: oneTimePassphrase, force: force, kdf: nil)
    }

    public func changePassphrase(from current: String, to newPassphrase: String) throws {
        try changePassphrase(from: current, to: newPassphrase, kdf: nil)
    }

    func addUser(name: String, role: Role, passphrase: String, testingKDF: Bool, oneTime: Bool) throws {
        try addUser(name: name, role: role, passphrase: passphrase, kdf: testingKDF ? .testing : nil, oneTime: oneTime)
    }

    func changePassphrase(from current: String, to newPassphrase: String, testingKDF: Bool) throws {
        try changePassphrase(from: current, to: newPassphrase, kdf: testingKDF ? .testing : nil)
    }

    func resetPassphrase(name: String, to oneTimePassphrase: String, force: Bool, testingKDF: Bool) throws {
        try resetPassphrase(name: name, to: oneTimePassphrase, force: force, kdf: testingKDF ? .testing : nil)
    }
}
