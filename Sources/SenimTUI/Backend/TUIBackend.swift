import SenimCore

/// A user account as the Users screen lists it.
public struct UserAccount: Hashable, Sendable {
    public var name: String
    public var role: Role
    /// The last psychologist holding the confidential-notes key: removing or resetting them
    /// makes every note unreadable, so the confirmation says so.
    public var lastNotesHolder: Bool
    public init(name: String, role: Role, lastNotesHolder: Bool = false) {
        self.name = name
        self.role = role
        self.lastNotesHolder = lastNotesHolder
    }
}

/// What the TUI needs from an unlocked store. The `senim` executable adapts
/// `SenimStore.Session` to it (`SessionBackend`); tests use `InMemoryBackend` (SenimTestSupport).
///
/// Only the runtime (`EffectRunner`) calls these: `update` never does I/O. Errors thrown here
/// should be `Message`s or conform to `UserFacingError` (SenimCore) so the user sees them in their
/// language.
public protocol TUIBackend: AnyObject, StoreOperations {
    var ledger: LedgerState { get }
    var user: String { get }
    var role: Role { get }
    /// The trust point this store belongs to.
    var point: String { get }
    /// Things the store wants the user to know after opening (repairs, warnings).
    var notices: [Message] { get }
    /// Author, role, device, site, time and a fresh event id for one record.
    func context(site: String, at: Timestamp) -> Validator.Context
    /// Appends events durably and folds them into `ledger`; throws without saving anything.
    func save(_ events: [Event]) throws
    /// Encrypts a confidential note (psychologists only).
    func sealNote(_ text: String) throws -> [UInt8]
    func openNote(_ sealed: [UInt8]) throws -> String
    func userAccounts() throws -> [UserAccount]
    /// The new user's passphrase is a one-time passphrase.
    func addUser(name: String, role: Role, passphrase: String) throws
    /// `force`: even the last psychologist holding the notes key (after a warning).
    func removeUser(_ name: String, force: Bool) throws
    /// A coordinator gives `name` a new one-time passphrase (and takes their notes access away).
    func resetPassphrase(_ name: String, to passphrase: String, force: Bool) throws
    /// Always needs the current passphrase.
    func changePassphrase(from current: String, to passphrase: String) throws
    /// Re-encrypts the store under a fresh key (after removing a user, so that a copy of the
    /// old key opens nothing new); everyone keeps their passphrase.
    func rekey() throws
    /// Still on a one-time passphrase: nothing else until the user chooses their own.
    var mustChangePassphrase: Bool { get }
    /// This user's own key fingerprint (read aloud to whoever grants notes access).
    var keyFingerprint: String { get }
    /// Psychologists and their notes access (psychologists).
    func notesAccess() throws -> [NotesAccount]
    /// Grants the notes key to `name` (psychologists who hold it).
    func grantNotes(to name: String) throws
    /// Releases the store (called when the screen locks or the app quits).
    func close()
}

extension TUIBackend {
    public func close() {}
}
