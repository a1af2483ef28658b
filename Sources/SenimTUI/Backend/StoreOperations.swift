import SenimCore

/// What a backup wrote (the Store screen shows it).
public struct BackupOutcome: Hashable, Sendable {
    public var path: String
    public var bytes: Int
    public var events: Int
    public init(path: String, bytes: Int, events: Int) {
        self.path = path
        self.bytes = bytes
        self.events = events
    }
}

/// What `verify` found: one line per finding, as `senim verify` prints them.
public struct VerifyOutcome: Hashable, Sendable {
    public struct Line: Hashable, Sendable {
        public var file: String
        public var ok: Bool
        /// The store's own description of the finding (English, as `senim verify` prints it).
        public var text: String
        public init(file: String, ok: Bool, text: String) {
            self.file = file
            self.ok = ok
            self.text = text
        }
    }
    public var ok: Bool { lines.allSatisfy(\.ok) }
    public var events: Int
    public var lines: [Line]
    public init(events: Int, lines: [Line]) {
        self.events = events
        self.lines = lines
    }
}

/// A trusted peer as `senim sync peers` lists it.
public struct SyncPeer: Hashable, Sendable {
    public var name: String
    public var fingerprint: String
    /// Bundles sent, acknowledged and imported, in the user's language.
    public var status: Message
    public var lastSent: Timestamp?
    public var lastReceived: Timestamp?
    public init(name: String, fingerprint: String, status: Message, lastSent: Timestamp? = nil, lastReceived: Timestamp? = nil) {
        self.name = name
        self.fingerprint = fingerprint
        self.status = status
        self.lastSent = lastSent
        self.lastReceived = lastReceived
    }
}

/// This store's sync identity and its trusted peers (the Sync screen).
public struct SyncOverview: Hashable, Sendable {
    /// The line a peer pastes into its own "trust".
    public var identityLine: String
    /// To read aloud when the line is handed over.
    public var fingerprint: String
    public var peers: [SyncPeer]
    public init(identityLine: String, fingerprint: String, peers: [SyncPeer]) {
        self.identityLine = identityLine
        self.fingerprint = fingerprint
        self.peers = peers
    }
}

/// The coordinator's store and sync operations. The executable's adapter does the work with
/// the same store calls as `senim backup`, `senim verify` and `senim sync …`; a backend without
/// a store on disk (the in-memory demo) keeps these defaults, which refuse with a message.
///
/// `backup`, `verifyStore`, `exportBundle` and `importBundle` run as background jobs: they are
/// called on the job thread while the UI thread leaves the backend alone (see `EffectRunner`).
/// `progress(done, total)` may be called on that thread any number of times.
public protocol StoreOperations {
    /// Writes an encrypted backup to `path` (relative to the working folder). Refuses a path
    /// inside the store folder and an existing file.
    func backup(to path: String, progress: @escaping (Int, Int) -> Void) throws -> BackupOutcome
    /// Checks every file of the store without changing anything.
    func verifyStore(progress: @escaping (Int, Int) -> Void) throws -> VerifyOutcome
    func syncOverview() throws -> SyncOverview
    /// Trusts the identity `line` of a peer under `name`; returns what to tell the user.
    func trustPeer(name: String, line: String) throws -> Message
    func untrustPeer(_ name: String) throws -> Message
    /// Writes a bundle for `peer` to `path` (never inside the store, never over a file);
    /// returns the summary lines.
    func exportBundle(for peer: String, to path: String) throws -> [Message]
    /// Imports the bundle at `path` (validated, bounded, signature-checked by the store);
    /// returns the summary lines.
    func importBundle(from path: String, progress: @escaping (Int, Int) -> Void) throws -> [Message]
}

extension StoreOperations {
    public func backup(to path: String, progress: @escaping (Int, Int) -> Void) throws -> BackupOutcome {
        throw Message("tui.ops.unavailable")
    }
    public func verifyStore(progress: @escaping (Int, Int) -> Void) throws -> VerifyOutcome { throw Message("tui.ops.unavailable") }
    public func syncOverview() throws -> SyncOverview { throw Message("tui.ops.unavailable") }
    public func trustPeer(name: String, line: String) throws -> Message { throw Message("tui.ops.unavailable") }
    public func untrustPeer(_ name: String) throws -> Message { throw Message("tui.ops.unavailable") }
    public func exportBundle(for peer: String, to path: String) throws -> [Message] { throw Message("tui.ops.unavailable") }
    public func importBundle(from path: String, progress: @escaping (Int, Int) -> Void) throws -> [Message] {
        throw Message("tui.ops.unavailable")
    }
}
