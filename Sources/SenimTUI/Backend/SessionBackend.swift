import Foundation
import SenimCore
import SenimStore

/// The real backend: an unlocked `SenimStore.Session`. An adapter rather than
/// `extension Session: TUIBackend` so that no overloads are added to `Session` itself (its
/// `addUser`, `context` and `removeUser` have slightly different signatures; overloading
/// them would make calls elsewhere ambiguous).
public final class SessionBackend: TUIBackend {
    public let session: Session
    public init(_ session: Session) { self.session = session }
    deinit { session.close() }

    public var ledger: LedgerState { session.ledger }
    public var user: String { session.user }
    public var role: Role { session.role }
    public var point: String { session.point }
    /// The store's notices, then what the configuration in use lacks for this store's data.
    public var notices: [Message] { session.notices + session.configurationWarnings }

    public func context(site: String, at: Timestamp) -> Validator.Context {
        session.context(site: site, at: Date(timeIntervalSince1970: TimeInterval(at)))
    }

    public func save(_ events: [Event]) throws { try session.save(events) }
    public func sealNote(_ text: String) throws -> [UInt8] { try session.sealNote(text) }
    public func openNote(_ sealed: [UInt8]) throws -> String { try session.openNote(sealed) }
    public func userAccounts() throws -> [UserAccount] {
        session.users().map { UserAccount(name: $0.name, role: $0.role, lastNotesHolder: session.wouldLoseLastNotesHolder($0.name)) }
    }

    public func addUser(name: String, role: Role, passphrase: String) throws {
        try session.addUser(name: name, role: role, passphrase: passphrase, kdf: nil)
    }

    public func removeUser(_ name: String, force: Bool) throws { try session.removeUser(name: name, force: force) }
    public func resetPassphrase(_ name: String, to passphrase: String, force: Bool) throws {
        try session.resetPassphrase(name: name, to: passphrase, force: force)
    }
    public func changePassphrase(from current: String, to passphrase: String) throws {
        try session.changePassphrase(from: current, to: passphrase, kdf: nil)
    }
    public func rekey() throws { try session.rekey() }
    public var mustChangePassphrase: Bool { session.mustChangePassphrase }
    public var keyFingerprint: String { session.keyFingerprint }
    public func notesAccess() throws -> [NotesAccess] {
        try session.notesAccounts().map {
            NotesAccess(name: $0.name, holdsKey: $0.holdsKey, mustChangePassphrase: $0.mustChangePassphrase,
                        createdBy: $0.createdBy, createdAt: $0.createdAt, fingerprint: $0.fingerprint)
        }
    }
    public func grantNotes(to name: String) throws { try session.grantNotes(to: name) }
    public func close() { session.close() }
}

extension StoreError: TUIUserFacingError {}

extension TUIApp {
    /// Opens the store in `storeDirectory` on the unlock screen (and again after every lock).
    public static func run(storeDirectory: URL, configuration: Configuration, language: Language,
                           initialUser: String?) -> Int32 {
        run(configuration: configuration, language: language, initialUser: initialUser) { user, passphrase in
            SessionBackend(try Session.open(at: storeDirectory, user: user, passphrase: passphrase, configuration: configuration))
        }
    }
}
