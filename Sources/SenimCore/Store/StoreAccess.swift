/// What the front ends need from an unlocked store: the one store protocol. The TUI uses it
/// through `TUIBackend` (SenimTUI), the CLI through `StoreSession` (the executable); each of
/// those adds only what its own front end alone needs. `SenimStore.Session` conforms in the
/// executable (the composition root), the in-memory store of the tests in SenimTestSupport.
///
/// Errors thrown here should be `Message`s or conform to `UserFacingError`, so the user sees
/// them in their language and the CLI maps them to an exit status by their category.
public protocol StoreAccess: AnyObject {
    /// The folded state of every event; always current after `save`.
    var ledger: LedgerState { get }
    var user: String { get }
    var role: Role { get }
    /// The trust point this store belongs to.
    var point: String { get }
    /// Things the store wants the user to know after opening (repairs, warnings).
    var notices: [Message] { get }
    /// Differences between the configuration and the one the store was made with.
    var configurationWarnings: [Message] { get }
    /// Still on a one-time passphrase: nothing else until the user chooses their own.
    var mustChangePassphrase: Bool { get }
    /// This user's own key fingerprint (read aloud to whoever grants notes access).
    var keyFingerprint: String { get }

    /// Author, role, device, site, time and a fresh event id for one record.
    func context(site: String, at: Timestamp) -> Validator.Context
    /// Appends events durably and folds them into `ledger`; throws without saving anything.
    func save(_ events: [Event]) throws
    /// Encrypts a confidential note (psychologists holding the notes key).
    func sealNote(_ plaintext: String) throws -> [UInt8]
    func openNote(_ sealed: [UInt8]) throws -> String

    func userAccounts() throws -> [UserAccount]
    /// A coordinator adds a user with a one-time passphrase.
    func addUser(name: String, role: Role, passphrase: String) throws
    /// `force`: even the last psychologist holding the notes key (after a warning).
    func removeUser(name: String, force: Bool) throws
    /// A coordinator gives `name` a new one-time passphrase (and takes their notes access away).
    func resetPassphrase(name: String, to oneTimePassphrase: String, force: Bool) throws
    /// Always needs the current passphrase.
    func changePassphrase(from current: String, to newPassphrase: String) throws
    /// Re-encrypts the store under a fresh key (after removing a user, so that a copy of the
    /// old key opens nothing new); everyone keeps their passphrase.
    func rekey() throws
    /// Psychologists and their notes access.
    func notesAccounts() throws -> [NotesAccount]
    /// Grants the notes key to `name` (psychologists who hold it).
    func grantNotes(to name: String) throws
    /// Releases the store (the lock file); the object is not used afterwards.
    func close()
}

/// A user account as the Users screen and `senim user list` show it.
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
