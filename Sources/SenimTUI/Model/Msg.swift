import SenimCore

/// Everything that can happen to the TUI: keys, resizes, clock ticks and the results of
/// effects the runtime carried out.
public enum Msg: Sendable {
    case key(Key)
    case resize(width: Int, height: Int)
    /// The wall clock (seconds since 1970 UTC); arrives at least once a second.
    case tick(Timestamp)
    case unlocked(SessionInfo)
    case unlockFailed(Message)
    /// A draft was saved (the session's `LedgerSource` shows the state afterwards).
    case saved(Draft)
    case failed(Message)
    case notesOpened(EventID, [String])
    case usersLoaded([UserAccount])
    /// A user-management effect succeeded.
    case usersChanged(Message, [UserAccount])
    /// A user was removed: the TUI offers to re-key the store at once.
    case userRemoved(String, [UserAccount])
    /// An effect without data of its own succeeded (export written).
    case done(Message)
    /// The user's own passphrase was changed (ends a one-time passphrase).
    case passphraseChanged
    case notesAccessLoaded([NotesAccount])
    /// A grant succeeded: the list afterwards.
    case notesAccessChanged(Message, [NotesAccount])
    /// A background job's progress (`total` 0: unknown).
    case jobProgress(done: Int, total: Int)
    case backedUp(BackupOutcome)
    case verified(VerifyOutcome)
    /// The Sync screen's identity and peers.
    case syncLoaded(SyncOverview)
    /// A peer was trusted or untrusted: what to say, and the list afterwards.
    case syncChanged(Message, SyncOverview?)
    /// A bundle was exported or imported: the summary lines, and the peers afterwards.
    case syncExported([Message], SyncOverview?)
    case syncImported([Message], SyncOverview?)
}

/// Side effects `update` asks for. The runtime (`EffectRunner`) performs them and answers
/// with a `Msg`.
public enum Effect: Hashable, Sendable {
    case unlock(user: String, passphrase: String)
    case save(Draft)
    /// Forget the session (close the store) and clear the screen.
    case lock
    case quit
    case openNotes(EventID)
    case loadUsers
    /// `point`: the new user's own trust point (nil: the store's).
    case addUser(name: String, role: Role, passphrase: String, point: String? = nil)
    case removeUser(String, force: Bool)
    case resetPassphrase(String, passphrase: String, force: Bool)
    case changePassphrase(current: String, new: String)
    /// Re-encrypt the store under a fresh key (coordinators).
    case rekey
    case loadNotesAccess
    case grantNotes(String)
    /// Write `content` to a new file named `fileName` in the current directory; `notes` are
    /// shown with the result (already in the user's language).
    case export(fileName: String, content: String, notes: [String])
    /// Write an encrypted backup to `path` (coordinators; a background job).
    case backup(path: String)
    /// Check every file of the store (a background job).
    case verify
    case loadSync
    case trustPeer(name: String, line: String)
    case untrustPeer(String)
    /// Write a bundle for `peer` to `path` (a background job).
    case exportBundle(peer: String, path: String)
    /// Import the bundle at `path` (a background job).
    case importBundle(path: String)

    /// The slow effects the runtime runs off the UI loop, one at a time.
    public var job: JobKind? {
        switch self {
        case .unlock: return .unlock
        case .rekey: return .rekey
        case .backup: return .backup
        case .verify: return .verify
        case .exportBundle: return .exportBundle
        case .importBundle: return .importBundle
        default: return nil
        }
    }
}

/// What the model learns when a store unlocks.
public struct SessionInfo: Sendable {
    public var user: String
    public var role: Role
    /// The user's trust point (their own if set, else the store's): the site of what they
    /// record and their default contact type.
    public var point: String
    /// The store's own point (users without a point of their own work there).
    public var storePoint: String
    /// Where the screens read the ledger: the store's own state, always current.
    public var source: LedgerSource
    public var ledger: LedgerState { source.ledger }
    public var notices: [Message]
    /// On a one-time passphrase: the TUI asks for a new one before showing anything else.
    public var mustChangePassphrase: Bool
    public var keyFingerprint: String
    public init(user: String, role: Role, point: String, source: LedgerSource, notices: [Message] = [],
                mustChangePassphrase: Bool = false, keyFingerprint: String = "", storePoint: String? = nil) {
        self.user = user
        self.role = role
        self.point = point
        self.storePoint = storePoint ?? point
        self.source = source
        self.notices = notices
        self.mustChangePassphrase = mustChangePassphrase
        self.keyFingerprint = keyFingerprint
    }

    /// A session showing a fixed ledger (tests, previews).
    public init(user: String, role: Role, point: String, ledger: LedgerState, notices: [Message] = [],
                mustChangePassphrase: Bool = false, keyFingerprint: String = "") {
        self.init(user: user, role: role, point: point, source: LedgerSource(fixed: ledger), notices: notices,
                  mustChangePassphrase: mustChangePassphrase, keyFingerprint: keyFingerprint)
    }
}

/// Reads the backend's ledger where it lives. The model must not keep a copy of a
/// `LedgerState`: while a copy exists, the store's next save mutates a shared value and
/// copy-on-write duplicates every array of the ledger (75–100 ms at a million contacts).
/// `@unchecked Sendable` so that `Model` stays Sendable: the closure reads a backend that is
/// not thread-safe, which is sound only because the TUI calls `update`, `view` and every
/// effect on the one UI thread — except a background job, during which the model is `busy` and
/// the view paints no screen body, so nothing reads `ledger` while the job may change it.
public final class LedgerSource: @unchecked Sendable {
    private let read: () -> LedgerState
    public init(_ read: @escaping () -> LedgerState) { self.read = read }
    public convenience init(fixed: LedgerState) { self.init { fixed } }
    public var ledger: LedgerState { read() }
}
