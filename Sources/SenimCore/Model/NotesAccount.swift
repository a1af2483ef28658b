/// A peer psychologist's account as the notes-access screens and `senim notes holders` show
/// it: enough for a holder to decide whether to grant the notes key (who created the account,
/// when, and the fingerprint of its key, compared aloud with the person). The store makes
/// these (`Session.notesAccounts`); the TUI and the CLI only show them.
public struct NotesAccount: Hashable, Sendable {
    public var name: String
    /// Holds the current notes key.
    public var holdsKey: Bool
    /// Still on a one-time passphrase chosen by someone else (a grant is refused until they
    /// choose their own).
    public var mustChangePassphrase: Bool
    /// "" when unknown (accounts made before manifest version 2).
    public var createdBy: String
    /// 0 when unknown.
    public var createdAt: Timestamp
    /// Of the account's key (`Session.fingerprint(publicKey:)`), to compare aloud with the person.
    public var fingerprint: String

    public init(name: String, holdsKey: Bool, mustChangePassphrase: Bool, createdBy: String, createdAt: Timestamp, fingerprint: String) {
        self.name = name
        self.holdsKey = holdsKey
        self.mustChangePassphrase = mustChangePassphrase
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.fingerprint = fingerprint
    }
}
