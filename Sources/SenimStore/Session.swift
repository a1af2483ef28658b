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
    static let pointKey = "senim.point"

    public let configuration: Configuration
    /// The folded state; current after every `save`/`importEvents`.
    public private(set) var ledger: LedgerState
    /// The user's name as stored in their keyslot.
    public let user: String
    public let role: Role
    /// This store's random device id (kept encrypted in the manifest).
    public let device: DeviceID
    /// Things the user should be told (e.g. a torn last write dropped at open).
    public var notices: [Message] = []

    let disk: Disk
    let clock: @Sendable () -> Date
    var lockFD: Int32?
    var journalFD: Int32?
    var keysFile: KeysFile
    var manifest: Manifest
    var slotIndex: Int
    var privateKey: Curve25519.KeyAgreement.PrivateKey
    var keys: DataKeys
    var notesKey: SymmetricKey?
    var journalEnd = Journal.headerSize
    var nextSeq: UInt64 = 0
    var ids = Set<EventID>()
    var local: [String: [UInt8]] = [:]
    /// Set after a failure that leaves the on-disk state unknown (failed fsync, failed rename):
    /// every later write refuses until the store is reopened.
    var broken: StoreError?
    var closed = false
    /// Opened for reading only (`open(readOnly: true)`): nothing on disk changes, not even a
    /// torn last write being dropped or an interrupted change being completed; every write
    /// refuses.
    public private(set) var readOnly = false
    /// The files `load` reads: the committed names, or (read-only, an interrupted change not
    /// yet completed) the `.new` files the keys file already names.
    var snapshotFile = Disk.snapshot
    var journalFile = Disk.journal

    var storeID: [UInt8] { keysFile.storeID }

    private init(configuration: Configuration, disk: Disk, clock: @escaping @Sendable () -> Date, lockFD: Int32,
                 keysFile: KeysFile, manifest: Manifest, unlocked: Unlocked) {
        self.configuration = configuration
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
    }

    deinit { close() }

    // MARK: Create and open

    /// Creates a new store in `directory` (created with mode 0700 if missing; must be empty
    /// of anything but an earlier failed attempt). The first user is a coordinator.
    public static func create(at directory: URL, user: String, passphrase: String, point: String,
                              configuration: Configuration, kdf: KDFParameters = .default,
                              clock: @escaping @Sendable () -> Date = { Date() },
                              fileSystem: FileSystem = .real) throws -> Session {
        let name = Names.nfc(user)
        try checkNewUser(name: name, passphrase: passphrase, kdf: kdf)
        guard configuration.points.point(point) != nil else {
            throw StoreError.invalid(Message("validate.point.unknown", point,
                                             configuration.points.points.map(\.id).joined(separator: ", ")))
        }
        let disk = Disk(fileSystem, directory)
        try disk.run(".") { try disk.ops.secureDirectory(disk.directory) }
        if disk.exists(Disk.keys) { throw StoreError.alreadyExists(path: disk.directory) }
        let foreign = try disk.list().filter { !Disk.ownNames.contains($0) }
        guard foreign.isEmpty else {
            throw StoreError.invalid(Message("store.create.notEmpty", disk.directory, foreign.prefix(3).joined(separator: ", ")))
        }
        let lockFD = try takeLock(disk)
        do {
            if disk.exists(Disk.keys) { throw StoreError.alreadyExists(path: disk.directory) }
            let storeID = Primitives.random(16)
            let storeSalt = Primitives.random(32)
            let dataKey = SymmetricKey(size: .bits256)
            let privateKey = Curve25519.KeyAgreement.PrivateKey()
            let content = Slot.Content(name: name, role: .coordinator, privateKey: privateKey)
            guard let slot = Slot.make(storeID: storeID, storeSalt: storeSalt, content: content,
                                       passphrase: Names.passphraseBytes(passphrase), params: kdf,
                                       dataKey: dataKey, notesKey: nil) else {
                throw StoreError.invalid(Message("store.kdf.refused", kdf.description))
            }
            let index = Int.random(in: 0..<KeysFile.maxSlots)
            var slots = (0..<KeysFile.maxSlots).map { _ in Slot.decoy(kdf) }
            slots[index] = slot
            var device = DeviceID(0)
            while device.rawValue == 0 { device = DeviceID(UInt64.random(in: 1...UInt64.max)) }
            let journalID = Primitives.random(16)
            let now = clock()
            let manifest = Manifest(
                device: device, snapshotID: Manifest.none, journalID: journalID, created: Int64(now.timeIntervalSince1970),
                notesKeyID: Manifest.none,
                directory: [Manifest.Entry(slot: index, name: name, role: .coordinator,
                                           publicKey: Array(privateKey.publicKey.rawRepresentation), hasNotesGrant: false)],
                pending: [])
            let keys = DataKeys(dataKey, storeID: storeID)
            // The journal first (with the creator's userAdded event and the default point):
            // until `keys` exists there is no store, so a crash leaves nothing half-made.
            let first = Event(id: EventID.random(), at: Timestamp(now.timeIntervalSince1970), author: name, device: device,
                              site: point, body: .userAdded(name: name, role: .coordinator))
            var journal = Journal.header(storeID: storeID, journalID: journalID)
            journal += Journal.frame(Record.encode([.event(EventCodec.encode(first)), .setLocal(pointKey, Array(point.utf8))]),
                                     seq: 0, key: keys.journal, storeID: storeID, journalID: journalID)
            for leftover in [Disk.snapshot, Disk.journal + Disk.newSuffix, Disk.snapshot + Disk.newSuffix] { disk.remove(leftover) }
            try disk.writeSynced(Disk.journal, journal)
            var kf = KeysFile(storeID: storeID, storeSalt: storeSalt, slots: slots, manifestNonce: [], manifestSealed: [])
            kf.seal(manifest, key: keys.manifest)
            try disk.writeSynced(Disk.keys + Disk.newSuffix, kf.serialize())
            try disk.syncDirectory()
            try disk.rename(Disk.keys + Disk.newSuffix, Disk.keys)
            try disk.syncDirectory()
            let s = Session(configuration: configuration, disk: disk, clock: clock, lockFD: lockFD, keysFile: kf,
                            manifest: manifest, unlocked: Unlocked(slot: index, content: content, dataKey: dataKey, notesKey: nil))
            try s.load()
            return s
        } catch {
            disk.ops.close(lockFD)
            throw error
        }
    }

    /// Unlocks an existing store. The name and passphrase are NFC-normalised; names match
    /// case-insensitively. A wrong name and a wrong passphrase give the same error.
    public static func open(at directory: URL, user: String, passphrase: String, configuration: Configuration,
                            clock: @escaping @Sendable () -> Date = { Date() },
                            fileSystem: FileSystem = .real, readOnly: Bool = false) throws -> Session {
        let disk = Disk(fileSystem, directory)
        guard disk.exists(Disk.keys) else { throw StoreError.noStore(path: disk.directory) }
        let lockFD = try takeLock(disk)
        do {
            guard let bytes = try disk.read(Disk.keys, limit: KeysFile.maxFileSize) else { throw StoreError.noStore(path: disk.directory) }
            let kf = try KeysFile.parse(bytes)
            let u = try unlock(kf, name: user, passphrase: passphrase)
            let manifest = try openManifest(kf, dataKey: u.dataKey)
            guard manifest.directory.contains(where: { $0.slot == u.slot && Names.key($0.name) == Names.key(u.content.name) }) else {
                throw StoreError.damaged(file: "keys", detail: "the manifest does not list keyslot \(u.slot)")
            }
            let s = Session(configuration: configuration, disk: disk, clock: clock, lockFD: lockFD, keysFile: kf,
                            manifest: manifest, unlocked: u)
            s.readOnly = readOnly
            try s.recoverFiles()
            try s.load()
            if readOnly { try s.afterOpenReadOnly() } else { try s.afterOpen() }
            return s
        } catch {
            disk.ops.close(lockFD)
            throw error
        }
    }

    /// Whether `directory` holds a store (a `keys` file).
    public static func exists(at directory: URL, fileSystem: FileSystem = .real) -> Bool {
        Disk(fileSystem, directory).exists(Disk.keys)
    }

    static func takeLock(_ disk: Disk) throws(StoreError) -> Int32 {
        try disk.run(Disk.lock) {
            let fd = try disk.ops.open(disk.path(Disk.lock), .createIfMissing)
            switch try disk.ops.lock(fd, path: disk.path(Disk.lock)) {
            case .acquired: return fd
            case .busy(let pid):
                disk.ops.close(fd)
                throw StoreError.inUse(pid: pid)
            }
        }
    }

    static func checkNewUser(name: String, passphrase: String, kdf: KDFParameters) throws(StoreError) {
        guard Validator.isValidUserName(name), name.utf8.count <= Slot.maxNameBytes else {
            throw .invalid(Message("validate.user.name", String(name.prefix(40))))
        }
        try checkPassphrase(passphrase)
        if let p = kdf.problem { throw .invalid(Message("store.kdf.refused", p)) }
    }

    static func checkPassphrase(_ passphrase: String) throws(StoreError) {
        let b = Names.passphraseBytes(passphrase)
        guard !b.isEmpty else { throw .invalid(Message("store.passphrase.empty")) }
        guard b.count <= maxPassphraseBytes else {
            throw .invalid(Message("store.passphrase.long", String(b.count), String(maxPassphraseBytes)))
        }
    }

    struct Unlocked {
        var slot: Int
        var content: Slot.Content
        var dataKey: SymmetricKey
        var notesKey: SymmetricKey?
    }

    /// Checks every slot's checksum and parameters first (no KDF), then runs scrypt once per
    /// parameter set (the salt depends on store and name, not on the slot) and tries it on
    /// every slot with those parameters.
    static func unlock(_ kf: KeysFile, name: String, passphrase: String) throws(StoreError) -> Unlocked {
        let pass = Names.passphraseBytes(passphrase)
        // No slot is ever made with an empty or over-long passphrase: refuse without work.
        guard !pass.isEmpty, pass.count <= maxPassphraseBytes, !name.isEmpty, name.utf8.count <= 4 * Slot.maxNameBytes else {
            throw .wrongPassphrase
        }
        var problems: [String] = []
        var groups: [(KDFParameters, [Int])] = []
        for (i, s) in kf.slots.enumerated() {
            switch Slot.inspect(s) {
            case .usable(let p):
                if let g = groups.firstIndex(where: { $0.0 == p }) { groups[g].1.append(i) } else { groups.append((p, [i])) }
            case .damaged(let why):
                problems.append("keyslot \(i): \(why)")
            }
        }
        guard groups.count <= maxParameterSets else {
            throw .damaged(file: "keys", detail: "\(groups.count) different KDF parameter sets (at most \(maxParameterSets))")
        }
        let salt = Slot.salt(storeSalt: kf.storeSalt, name: name)
        for (params, indices) in groups.sorted(by: { $0.0.memory < $1.0.memory }) {
            guard let kek = Primitives.scrypt(pass, salt: salt, params: params) else { continue }
            for i in indices {
                guard let c = Slot.open(kf.slots[i], kek: kek, storeID: kf.storeID), Names.key(c.name) == Names.key(name) else { continue }
                guard let dk = Slot.grant(kf.slots[i], kind: .data, privateKey: c.privateKey, storeID: kf.storeID) else {
                    throw .damaged(file: "keys", detail: "keyslot \(i) opens but its data-key grant does not")
                }
                let nk = c.role == .psychologist ? Slot.grant(kf.slots[i], kind: .notes, privateKey: c.privateKey, storeID: kf.storeID) : nil
                return Unlocked(slot: i, content: c, dataKey: dk, notesKey: nk)
            }
        }
        if !problems.isEmpty {
            throw .damaged(file: "keys", detail: "no keyslot opens with this name and passphrase, and \(problems.count) keyslot(s) are damaged ("
                           + problems.prefix(5).joined(separator: "; ") + "). If one of them is yours, ask a coordinator to add you again or restore a backup.")
        }
        throw .wrongPassphrase
    }

    static func openManifest(_ kf: KeysFile, dataKey: SymmetricKey) throws(StoreError) -> Manifest {
        let k = DataKeys(dataKey, storeID: kf.storeID)
        guard let plain = Primitives.open(kf.manifestSealed[...], nonce: kf.manifestNonce[...], key: k.manifest, ad: Manifest.ad(kf.storeID)) else {
            throw .damaged(file: "keys", detail: "the manifest does not authenticate")
        }
        do { return try Manifest.decode(try Buckets.unpad(plain)) } catch {
            throw .damaged(file: "keys", detail: "the manifest is malformed: \(error)")
        }
    }

    // MARK: Loading

    /// Completes an interrupted multi-file change (roll forward to what `keys` names) and
    /// removes uncommitted `*.new` files.
    func recoverFiles() throws(StoreError) {
        var changed = false
        for (name, want) in [(Disk.snapshot, manifest.snapshotID), (Disk.journal, manifest.journalID)] {
            if name == Disk.snapshot && want == Manifest.none { continue }
            let current = try fileID(name)
            if current == want { continue }
            if try fileID(name + Disk.newSuffix) == want {
                if readOnly {
                    // Read the committed change where it is; the next writer completes it.
                    if name == Disk.snapshot { snapshotFile = name + Disk.newSuffix } else { journalFile = name + Disk.newSuffix }
                    continue
                }
                try disk.rename(name + Disk.newSuffix, name)
                changed = true
                notices.append(Message("store.notice.completed", name))
                continue
            }
            throw StoreError.damaged(file: name, detail: current == nil
                ? "missing (the keys file expects \(want.hex))"
                : "holds \(current!.hex) but the keys file expects \(want.hex); it may come from another copy of the store")
        }
        if readOnly { return }
        for n in [Disk.keys, Disk.snapshot, Disk.journal] where disk.exists(n + Disk.newSuffix) {
            disk.remove(n + Disk.newSuffix)
            changed = true
        }
        if changed { try disk.syncDirectory() }
    }

    /// The id in a snapshot or journal header (nil: file missing; throws when damaged).
    func fileID(_ name: String) throws(StoreError) -> [UInt8]? {
        guard let h = try disk.readPrefix(name, 64) else { return nil }
        if name.hasPrefix(Disk.snapshot) {
            return try Snapshot.parseHeader(h, storeID: storeID, file: name).snapshotID
        }
        return try Journal.parseHeader(h, storeID: storeID, file: name)
    }

    /// Reads snapshot and journal, drops a torn tail (with a notice), folds the ledger.
    func load() throws(StoreError) {
        var contents = Contents()
        try readSnapshot(into: &contents)
        let fd = try disk.run(journalFile) { try disk.ops.open(disk.path(journalFile), readOnly ? .readOnly : .readWrite) }
        journalFD = fd
        let bytes = try disk.run(journalFile) { try disk.ops.read(fd, count: try disk.ops.size(fd), at: 0) }
        let jid = try Journal.parseHeader(bytes, storeID: storeID)
        guard jid == manifest.journalID else { throw StoreError.damaged(file: "journal", detail: "journal id does not match the keys file") }
        let scan = Journal.scan(bytes, key: keys.journal, storeID: storeID, journalID: jid)
        for f in scan.frames { try contents.apply(f.records, where: "journal frame \(f.seq)") }
        switch scan.tail {
        case .clean:
            break
        case .torn(let offset, let n, let reason):
            // The last write never completed (or was never synced): it was not acknowledged.
            // Only a writer drops it; a reader leaves the file as it is.
            if readOnly {
                notices.append(Message("store.notice.tornTailKept", String(n), String(offset)))
            } else {
                try disk.run(Disk.journal) {
                    try disk.ops.truncate(fd, to: offset)
                    try disk.ops.sync(fd)
                }
                notices.append(Message("store.notice.tornTail", String(n), String(offset), reason))
            }
        case .damagedTail(let offset, let seq, let reason):
            throw StoreError.damaged(file: journalFile, detail: "frame \(seq) at offset \(offset) is complete but \(reason): this is damage, not an interrupted write. Nothing was changed: run verify, then salvage into a new store.")
        case .damaged(let offset, let seq, let reason, let next):
            throw StoreError.damaged(file: "journal", detail: "frame \(seq) at offset \(offset): \(reason); authentic frames follow at offset \(next). Nothing was changed: run verify, then salvage into a new store.")
        }
        journalEnd = scan.goodEnd
        nextSeq = UInt64(scan.frames.count)
        journalFrames = scan.frames.count
        local = contents.local
        ids = contents.ids
        ledger = LedgerState.fold(contents.events, catalogue: configuration.catalogue, points: configuration.points)
        _point = local[Self.pointKey].flatMap { String(validating: $0, as: UTF8.self) } ?? ""
    }

    var journalFrames = 0

    func readSnapshot(into contents: inout Contents) throws(StoreError) {
        guard manifest.snapshotID != Manifest.none else { return }
        guard let b = try disk.read(snapshotFile) else { throw StoreError.damaged(file: snapshotFile, detail: "missing") }
        let r = try Snapshot.read(b, key: keys.snapshot, storeID: storeID, file: snapshotFile)
        for (i, recs) in r.records.enumerated() { try contents.apply(recs, where: "snapshot chunk \(i)") }
    }

    /// Replays events a crash kept out of the journal; grants the notes key to psychologists
    /// still waiting for it; compacts a very long journal.
    /// What `afterOpen` would add, in memory only: events a crash kept out of the journal.
    func afterOpenReadOnly() throws {
        let missing = manifest.pending.compactMap { try? EventCodec.decode($0) }.filter { !ids.contains($0.id) }
        guard !missing.isEmpty else { return }
        for e in missing { ids.insert(e.id) }
        ledger = LedgerState.fold(try allContents().events + missing, catalogue: configuration.catalogue, points: configuration.points)
    }

    func afterOpen() throws {
        let missing = manifest.pending.compactMap { try? EventCodec.decode($0) }.filter { !ids.contains($0.id) }
        if !missing.isEmpty { try appendEvents(missing) }
        if let nk = notesKey {
            let waiting = manifest.directory.filter { $0.role == .psychologist && !$0.hasNotesGrant }
            if !waiting.isEmpty {
                do {
                    try grantNotesKey(nk, to: waiting)
                    notices.append(Message("store.notice.notesGranted", waiting.map(\.name).joined(separator: ", ")))
                } catch {
                    notices.append(Message("store.notice.notesGrantFailed", "\(error)"))
                }
            }
        } else if role == .psychologist {
            notices.append(Message("store.notice.notesPending"))
        }
        if journalFrames > Self.autoCompactFrames {
            do { try compactNow() } catch { notices.append(Message("store.notice.compactFailed", "\(error)")) }
        }
    }

    // MARK: State

    var _point = ""

    /// This store's default trust point, kept encrypted. Setting it saves it durably; if that
    /// fails the value is kept for this session and a notice explains. Use `setPoint` to get the error.
    public var point: String {
        get { _point }
        set {
            do { try setPoint(newValue) } catch {
                _point = newValue
                notices.append(Message("store.notice.pointNotSaved", "\(error)"))
            }
        }
    }

    public func setPoint(_ point: String) throws {
        guard configuration.points.point(point) != nil else {
            throw StoreError.invalid(Message("validate.point.unknown", point,
                                             configuration.points.points.map(\.id).joined(separator: ", ")))
        }
        try setLocalValue(Self.pointKey, Array(point.utf8))
        _point = point
    }

    public var validator: Validator { Validator(configuration) }

    /// Who, where and when for the next event: a fresh random id, the time from the clock.
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
        return Validator.Context(author: user, role: role, device: device, site: site ?? point, at: t, id: id)
    }

    /// The last id `context` handed out (ids of one second keep their order).
    private var lastIssued: EventID?

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

    // MARK: Saving

    /// Checks the policy for each event (the session's role must allow its action, and the
    /// author must be this user), writes all of them in ONE journal frame with one fsync,
    /// then folds them into `ledger`. When this returns, the events are on disk.
    public func save(_ events: [Event]) throws {
        try requireWritable()
        guard !events.isEmpty else { return }
        var seen = Set<EventID>()
        for e in events {
            let action = Policy.action(for: e.body)
            guard Policy.allows(role, action) else {
                throw StoreError.notAllowed(Message("policy.denied", role.rawValue, action.rawValue))
            }
            guard e.author == user else { throw StoreError.notAllowed(Message("store.save.author", e.author, user)) }
            guard !ids.contains(e.id), seen.insert(e.id).inserted else {
                throw StoreError.invalid(Message("store.save.duplicate", e.id.description))
            }
        }
        try appendEvents(events)
    }

    /// Sync: adds the events whose ids are not known yet (one durable write), refolds.
    /// No policy check (they were checked where they were made) but each must round-trip
    /// through the codec.
    public func importEvents(_ events: [Event]) throws -> (new: Int, known: Int) {
        try requireWritable()
        var fresh: [Event] = []
        var seen = Set<EventID>()
        for e in events where !ids.contains(e.id) && seen.insert(e.id).inserted { fresh.append(e) }
        if !fresh.isEmpty { try appendEvents(fresh) }
        return (fresh.count, events.count - fresh.count)
    }

    /// Encodes (checking that each event decodes back to itself), appends, folds.
    func appendEvents(_ events: [Event]) throws {
        var records: [Record] = []
        for e in events {
            let b = EventCodec.encode(e)
            guard let back = try? EventCodec.decode(b), back == e, b.count <= Record.maxEvent else {
                throw StoreError.invalid(Message("store.save.undecodable", e.id.description))
            }
            records.append(.event(b))
        }
        try append(records)
        var inOrder = true
        for e in events {
            ids.insert(e.id)
            if inOrder && !ledger.append(e) { inOrder = false }
        }
        if !inOrder { try refold() }
    }

    func refold() throws {
        ledger = LedgerState.fold(try allContents().events, catalogue: configuration.catalogue, points: configuration.points)
    }

    /// Appends records as one frame (several frames, each synced, only when they exceed the
    /// largest frame) and syncs. Failure handling:
    /// - ENOSPC on write: the partial frame is cut off again; the session stays usable.
    /// - any other failure, and every failed fsync: the session is marked broken.
    func append(_ records: [Record]) throws(StoreError) {
        try requireWritable()
        guard let fd = journalFD else { throw .notAllowed(Message("store.closed")) }
        var batches: [[UInt8]] = []
        var w = ByteWriter(capacity: 512)
        for r in records {
            var one = ByteWriter(capacity: 128)
            r.encode(into: &one)
            if !w.bytes.isEmpty && w.bytes.count + one.bytes.count > Journal.maxContent {
                batches.append(w.bytes)
                w = ByteWriter()
            }
            w.raw(one.bytes)
        }
        batches.append(w.bytes)
        for content in batches {
            let frame = Journal.frame(content, seq: nextSeq, key: keys.journal, storeID: storeID, journalID: manifest.journalID)
            let start = journalEnd
            do {
                try disk.ops.write(fd, frame, at: start)
            } catch {
                let mapped = Disk.map(error, disk.path(Disk.journal))
                do { try disk.ops.truncate(fd, to: start) } catch { broken = mapped }
                if case .noSpace = mapped {} else { broken = mapped }
                throw mapped
            }
            do {
                try disk.ops.sync(fd)
            } catch {
                let mapped = Disk.map(error, disk.path(Disk.journal))
                broken = mapped
                // Best effort: the frame must not appear later as if saved.
                try? disk.ops.truncate(fd, to: start)
                throw mapped
            }
            journalEnd = start + frame.count
            nextSeq += 1
            journalFrames += 1
        }
    }

    // MARK: Reading everything

    func allContents() throws(StoreError) -> Contents {
        var c = Contents()
        try readSnapshot(into: &c)
        guard let fd = journalFD else { throw .notAllowed(Message("store.closed")) }
        let bytes = try disk.run(Disk.journal) { try disk.ops.read(fd, count: journalEnd, at: 0) }
        let scan = Journal.scan(bytes, key: keys.journal, storeID: storeID, journalID: manifest.journalID)
        guard scan.tail == .clean, scan.goodEnd == journalEnd else {
            throw StoreError.damaged(file: "journal", detail: "changed on disk while the store was open")
        }
        for f in scan.frames { try c.apply(f.records, where: "journal frame \(f.seq)") }
        return c
    }

    /// Every event (snapshot and journal), in the order they were stored.
    public func events() throws -> [Event] {
        if closed { throw StoreError.notAllowed(Message("store.closed")) }
        return try allContents().events
    }

    // MARK: Local values

    /// A store-local setting (never synced), or nil.
    public func localValue(_ key: String) -> [UInt8]? { local[key] }

    /// Sets (or with nil removes) a store-local setting durably.
    public func setLocalValue(_ key: String, _ value: [UInt8]?) throws {
        guard !key.isEmpty, key.utf8.count <= Record.maxKey else { throw StoreError.invalid(Message("store.local.key", String(key.prefix(40)))) }
        if let value {
            guard value.count <= Record.maxValue else {
                throw StoreError.invalid(Message("store.local.size", String(value.count), String(Record.maxValue)))
            }
            try append([.setLocal(key, value)])
        } else {
            guard local[key] != nil else { return }
            try append([.deleteLocal(key)])
        }
        local[key] = value
    }

    // MARK: Confidential notes

    static let noteVersion: UInt8 = 1

    /// Seals a confidential note under the psychologists' notes key (psychologists only).
    ///
    ///     version u8 = 1 · notes key id 8 · nonce 12 · ciphertext (padded to 256-byte steps) · tag 16
    public func sealNote(_ plaintext: String) throws -> [UInt8] {
        try require(.writeConfidentialNotes)
        guard let nk = notesKey else { throw StoreError.notAllowed(Message("store.notes.noKey")) }
        let text = Array(plaintext.utf8)
        var w = ByteWriter(capacity: text.count + 8)
        w.u32(UInt32(text.count)); w.raw(text)
        w.zeros((256 - w.bytes.count % 256) % 256)
        let kid = Self.notesKeyID(nk)
        let sealed = Primitives.seal(w.bytes, key: nk, ad: Array("SENIM-NOTE-1".utf8) + kid)
        return [Self.noteVersion] + kid + sealed.nonce + sealed.sealed
    }

    /// Opens a note sealed by `sealNote` (psychologists only).
    public func openNote(_ sealed: [UInt8]) throws -> String {
        try require(.readConfidentialNotes)
        guard let nk = notesKey else { throw StoreError.notAllowed(Message("store.notes.noKey")) }
        guard sealed.count >= 1 + 8 + 12 + 16, sealed[0] == Self.noteVersion else {
            throw StoreError.invalid(Message("store.notes.malformed"))
        }
        let kid = Array(sealed[1..<9])
        guard kid == Self.notesKeyID(nk) else { throw StoreError.notAllowed(Message("store.notes.otherKey")) }
        guard let plain = Primitives.open(sealed[21...], nonce: sealed[9..<21], key: nk, ad: Array("SENIM-NOTE-1".utf8) + kid),
              let body = try? Buckets.unpad(plain), let text = String(validating: body, as: UTF8.self) else {
            throw StoreError.invalid(Message("store.notes.malformed"))
        }
        return text
    }

    static func notesKeyID(_ k: SymmetricKey) -> [UInt8] {
        Array(Primitives.bytes(Primitives.hkdf(k, salt: [], info: "senim notes key id", count: 8)))
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
