import Foundation
import SenimCore
import SenimStore
import SenimTUI

/// The real backend of the TUI: an unlocked `SenimStore.Session`. It lives in the executable
/// (the composition root) so that SenimTUI knows only SenimCore. An adapter rather than
/// `extension Session: TUIBackend` so that no overloads are added to `Session` itself (its
/// `addUser`, `context` and `removeUser` have slightly different signatures; overloading
/// them would make calls elsewhere ambiguous).
final class SessionBackend: TUIBackend {
    let session: Session
    init(_ session: Session) { self.session = session }
    deinit { session.close() }

    var ledger: LedgerState { session.ledger }
    var user: String { session.user }
    var role: Role { session.role }
    var point: String { session.point }
    /// The store's notices, then what the configuration in use lacks for this store's data.
    var notices: [Message] { session.notices + session.configurationWarnings }

    func context(site: String, at: Timestamp) -> Validator.Context {
        session.context(site: site, at: Date(timeIntervalSince1970: TimeInterval(at)))
    }

    func save(_ events: [Event]) throws { try session.save(events) }
    func sealNote(_ text: String) throws -> [UInt8] { try session.sealNote(text) }
    func openNote(_ sealed: [UInt8]) throws -> String { try session.openNote(sealed) }
    func userAccounts() throws -> [UserAccount] {
        session.users().map { UserAccount(name: $0.name, role: $0.role, lastNotesHolder: session.wouldLoseLastNotesHolder($0.name)) }
    }

    func addUser(name: String, role: Role, passphrase: String) throws {
        try session.addUser(name: name, role: role, passphrase: passphrase, kdf: nil)
    }

    func removeUser(_ name: String, force: Bool) throws { try session.removeUser(name: name, force: force) }
    func resetPassphrase(_ name: String, to passphrase: String, force: Bool) throws {
        try session.resetPassphrase(name: name, to: passphrase, force: force)
    }
    func changePassphrase(from current: String, to passphrase: String) throws {
        try session.changePassphrase(from: current, to: passphrase, kdf: nil)
    }
    func rekey() throws { try session.rekey() }
    var mustChangePassphrase: Bool { session.mustChangePassphrase }
    var keyFingerprint: String { session.keyFingerprint }
    func notesAccess() throws -> [NotesAccount] { try session.notesAccounts() }
    func grantNotes(to name: String) throws { try session.grantNotes(to: name) }
    func close() { session.close() }
}
