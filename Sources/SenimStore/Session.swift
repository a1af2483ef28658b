import Crypto
import Foundation
import SenimCore

/// One unlocked store, held by one process: it keeps the store's lock (flock) until `close()`.
///
/// Not thread-safe: use a session from one thread (or actor) at a time.
///
/// Files in the store directory (all 0600, directory 0700; formats in docs/file-format.md):
/// `keys` (keyslots + sealed manifest), `snapshot` (compacted events), `journal` (append-only
/// frames), `lock`. Multi-file changes (compaction, rekey, restore) write `*.new` files first
/// and commit by renaming `keys.new` over `keys`; opening completes or discards the rest.
public final class Session {
    /// The most users (keyslots) one store holds.
    public static let maxUsers = KeysFile.maxSlots
    /// Passphrases longer than this (UTF-8 bytes after NFC) are refused.
    public static let maxPassphraseBytes = 65_536
    /// At most this many different KDF parameter sets in one store (bounds the unlock cost).
    public static let maxParameterSets = 4
    /// Opening compacts automatically when the journal has more frames than this.
    public static let autoCompactFrames = 20_000
    /// A store of at least this many events that opened by folding every event (no usable
    /// checkpoint) is compacted at once, so its next open reads a checkpoint: below it a fold
    /// costs about as much as reading one (docs/performance.md).
    public static let checkpointAfterFoldEvents = 20_000
    static let pointKey = "senim.point"

    public let configuration: Configuration
    /// The folded state; current after every `save`/`importEvents`.
    public internal(set) var ledger: LedgerState
    /// The user's name as stored in their keyslot.
    public let user: String
    public let role: Role
    /// This store's random device id (kept encrypted in the manifest).
    public let device: DeviceID
    /// Things the user should be told (e.g. a torn last write dropped at open).
    public internal(set) var notices: [Message] = []

    let disk: Disk
    let clock: @Sendable () -> Date
    /// Turns passphrases into keyslot keys (unlock, new users, passphrase changes).
    let derivation: KeyDerivation
    var lockFD: Int32?
    var journalFD: Int32?
    var keysFile: KeysFile
    var manifest: Manifest
    var slotIndex: Int
    var privateKey: Curve25519.KeyAgreement.PrivateKey
    var keys: DataKeys
    /// The current notes key (psychologists the key was granted to), and every notes key this
    /// user can read with, by key id (the current one, older ones from the keyring).
    var notesKey: SymmetricKey?
    var notesReadKeys: [[UInt8]: SymmetricKey] = [:]
    var notesRing: NotesKeyring?
    var journalEnd = Journal.headerSize
    var nextSeq: UInt64 = 0
    var ids = EventIDSet()
    /// Repeated event ids skipped when the store was last folded from disk (0 in any store this
    /// version wrote: saves and imports never repeat an id).
    var storedDuplicates = 0
    var local: [String: [UInt8]] = [:]
    /// Set after a failure that leaves the on-disk state unknown (failed fsync, failed rename):
    /// every later write refuses until the store is reopened.
    var broken: StoreError?
    var closed = false
    /// Opened for reading only (`open(readOnly: true)`): nothing on disk changes, not even a
    /// torn last write being dropped or an interrupted change being completed; every write
    /// refuses.
    public internal(set) var readOnly = false
    /// The files `load` reads: the committed names, or (read-only, an interrupted change not
    /// yet completed) the `.new` files the keys file already names.
    var snapshotFile = Disk.snapshot
    var journalFile = Disk.journal
    var journalFrames = 0
    /// The last open read the snapshot's ledger checkpoint instead of folding its events;
    /// otherwise why not (nil: there was none to try).
    var openedFromCheckpoint = false
    var checkpointProblem: String?
    var _point = ""
    /// The last id `context` handed out (ids of one second keep their order).
    var lastIssued: EventID?

    var storeID: [UInt8] { keysFile.storeID }

    init(configuration: Configuration, disk: Disk, clock: @escaping @Sendable () -> Date, lockFD: Int32,
                 keysFile: KeysFile, manifest: Manifest, unlocked: Unlocked, derivation: KeyDerivation) {
        self.configuration = configuration
        self.derivation = derivation
        self.disk = disk
        self.clock = clock
        self.lockFD = lockFD
        self.keysFile = keysFile
        self.manifest = manifest
        slotIndex = unlocked.slot
        user = unlocked.content.name
        role = unlocked.content.role
        privateKey = unlocked.content.privateKey
        keys = DataKeys(unlocked.dataKey, storeID: keysFile.storeID)
        notesKey = unlocked.notesKey
        device = manifest.device
        ledger = LedgerState(catalogue: configuration.catalogue, points: configuration.points)
        loadNotesKeys()
    }

    deinit { close() }

    // MARK: State


    public var validator: Validator { Validator(configuration) }

    /// Who, where and when for the next event: a fresh random id, the time from the clock. The
    /// site defaults to the user's own point (`user-point-set`), else the store's.
    public func context(site: String? = nil, at: Date? = nil) -> Validator.Context {
        let date = at ?? clock()
        let t = Timestamp(date.timeIntervalSince1970.rounded(.down))
        // Ids made here sort after the last one made or folded in the same second, so a
        // store's own events fold in the order they were written (see EventID.ordered).
        var previous = lastIssued
        if let l = ledger.last, l.at == t, previous.map({ $0 < l.id }) ?? true { previous = l.id }
        var g = SystemRandomNumberGenerator()
        let ms = UInt64(max(0, date.timeIntervalSince1970 * 1000))
        let id = EventID.ordered(milliseconds: ms, after: previous, using: &g)
        lastIssued = id
        return Validator.Context(author: user, role: role, device: device,
                                 site: site ?? validator.point(ofUser: user, in: ledger, storePoint: point), at: t, id: id)
    }


    public var eventCount: Int { ids.count }

    /// Users with a keyslot in this store, by name.
    public func users() -> [(name: String, role: Role)] {
        manifest.directory.map { ($0.name, $0.role) }.sorted { $0.0 < $1.0 }
    }

    func requireWritable() throws(StoreError) {
        if closed { throw .notAllowed(Message("store.closed")) }
        if readOnly { throw .notAllowed(Message("store.readOnly")) }
        if let broken { throw .notAllowed(Message("store.broken", broken.description)) }
    }

    func require(_ action: Action) throws(StoreError) {
        guard Policy.allows(role, action) else { throw .notAllowed(Message("policy.denied", role.rawValue, action.rawValue)) }
    }

    // MARK: Closing

    /// Releases the lock. Later calls throw `notAllowed(store.closed)`.
    public func close() {
        if let fd = journalFD { disk.ops.close(fd) }
        journalFD = nil
        if let fd = lockFD { disk.ops.close(fd) }
        lockFD = nil
        closed = true
    }
}

extension KeysFile {
    mutating func seal(_ m: Manifest, key: SymmetricKey) {
        let plain = Buckets.pad(m.encode(), minimum: 1024)!
        let s = Primitives.seal(plain, key: key, ad: Manifest.ad(storeID))
        manifestNonce = s.nonce
        manifestSealed = s.sealed
    }
}
