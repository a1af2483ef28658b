import Crypto
import Foundation
import SenimCore

extension Session {
    // MARK: Create and open

    /// Creates a new store in `directory` (created with mode 0700 if missing; must be empty
    /// of anything but an earlier failed attempt). The first user is a coordinator.
    public static func create(at directory: URL, user: String, passphrase: String, point: String,
                              configuration: Configuration, kdf: KDFParameters = .default,
                              clock: @escaping @Sendable () -> Date = { Date() },
                              fileSystem: FileSystem = .real, derivation: KeyDerivation = .scrypt) throws -> Session {
        let name = Names.nfc(user)
        try checkNewUser(name: name, passphrase: passphrase, kdf: kdf)
        guard configuration.points.point(point) != nil else {
            throw StoreError.invalid(Message("validate.point.unknown", PrivacyGuard.echo(point),
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
                                       dataKey: dataKey, notesKey: nil, derivation: derivation) else {
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
            // An ordered id like every later one, so the next events of the same second sort after it.
            var g = SystemRandomNumberGenerator()
            let firstID = EventID.ordered(milliseconds: UInt64(max(0, now.timeIntervalSince1970 * 1000)), after: nil, using: &g)
            let first = Event(id: firstID, at: Timestamp(now.timeIntervalSince1970), author: name, device: device,
                              site: point, body: .userAdded(name: name, role: .coordinator))
            var journal = Journal.header(storeID: storeID, journalID: journalID)
            journal += Journal.frame(Record.encode([.event(EventCodec.encode(first)), .setLocal(pointKey, Array(point.utf8)),
                                                  .setLocal(ConfigFingerprint.key, ConfigFingerprint(configuration).stored)]),
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
                            manifest: manifest, unlocked: Unlocked(slot: index, content: content, dataKey: dataKey, notesKey: nil),
                            derivation: derivation)
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
                            fileSystem: FileSystem = .real, readOnly: Bool = false,
                            derivation: KeyDerivation = .scrypt) throws -> Session {
        let disk = Disk(fileSystem, directory)
        guard disk.exists(Disk.keys) else { throw StoreError.noStore(path: disk.directory) }
        let lockFD = try takeLock(disk)
        do {
            guard let bytes = try disk.read(Disk.keys, limit: KeysFile.maxFileSize) else { throw StoreError.noStore(path: disk.directory) }
            let kf = try KeysFile.parse(bytes)
            let u = try unlock(kf, name: user, passphrase: passphrase, derivation: derivation)
            let manifest = try openManifest(kf, dataKey: u.dataKey)
            guard manifest.directory.contains(where: { $0.slot == u.slot && Names.key($0.name) == Names.key(u.content.name) }) else {
                throw StoreError.damaged(file: "keys", detail: "the manifest does not list keyslot \(u.slot)")
            }
            let s = Session(configuration: configuration, disk: disk, clock: clock, lockFD: lockFD, keysFile: kf,
                            manifest: manifest, unlocked: u, derivation: derivation)
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
        // A user name is free text too: no IIN, phone or control character as a name.
        if let finding = PrivacyGuard.check(name) { throw .invalid(finding.message) }
        guard Validator.isValidUserName(name), name.utf8.count <= Slot.maxNameBytes else {
            throw .invalid(Message("validate.user.name", String(PrivacyGuard.echo(name).prefix(40))))
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
    static func unlock(_ kf: KeysFile, name: String, passphrase: String, derivation: KeyDerivation) throws(StoreError) -> Unlocked {
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
            guard let kek = derivation.key(pass, salt: salt, params: params) else { continue }
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

    /// Reads snapshot and journal, drops a torn tail (with a notice), folds the ledger — chunk
    /// by chunk through the one ledger path (`StoreFold`, `LedgerLoader`).
    func load() throws(StoreError) {
        let fd = try disk.run(journalFile) { try disk.ops.open(disk.path(journalFile), readOnly ? .readOnly : .readWrite) }
        journalFD = fd
        let bytes = try disk.run(journalFile) { try disk.ops.read(fd, count: try disk.ops.size(fd), at: 0) }
        let jid = try Journal.parseHeader(bytes, storeID: storeID)
        guard jid == manifest.journalID else { throw StoreError.damaged(file: "journal", detail: "journal id does not match the keys file") }
        let scan = Journal.scan(bytes, key: keys.journal, storeID: storeID, journalID: jid)
        if !loadFromCheckpoint(scan.frames) {
            var fold = StoreFold(configuration: configuration, expectedBytes: try snapshotSize() + bytes.count)
            try readSnapshot(into: &fold)
            for f in scan.frames { try fold.add(f.records, where: "journal frame \(f.seq)") }
            local = fold.local
            ids = fold.ids
            storedDuplicates = fold.duplicates
            ledger = fold.finish()
        }
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
        _point = local[Self.pointKey].flatMap { String(validating: $0, as: UTF8.self) } ?? ""
    }

    /// Opens from the snapshot's ledger checkpoint (`StoreCheckpoint`) when it has one that
    /// matches, then applies the journal's events on top through `LedgerState.append` (the
    /// ledger's one path, as a save does). False — having changed nothing — when there is no
    /// usable checkpoint or the journal holds an event `append` cannot take (one that folds
    /// before the checkpoint's last event, a correction, a void): the caller folds everything.
    func loadFromCheckpoint(_ frames: [Journal.Frame]) -> Bool {
        checkpointProblem = nil
        guard manifest.snapshotID != Manifest.none else { return false }
        let found = StoreCheckpoint.read(disk, snapshotFile, key: keys.snapshot, storeID: storeID)
        let checkpoint: StoreCheckpoint
        switch found {
        case .failure(let e):
            checkpointProblem = e.reason
            return false
        case .success(let (blob, snapshotID)):
            do throws(CheckpointError) {
                checkpoint = try StoreCheckpoint.decode(blob, snapshotID: snapshotID, configuration: configuration)
            } catch {
                checkpointProblem = error.reason
                return false
            }
        }
        var state = checkpoint.ledger
        var seen = checkpoint.ids
        var values = checkpoint.local
        var duplicates = 0
        for f in frames {
            for r in f.records {
                switch r {
                case .event(let b):
                    guard let e = try? EventCodec.decode(b) else { return false }   // the fold reports it
                    guard seen.insert(e.id) else { duplicates += 1; continue }
                    guard state.append(e) else {
                        checkpointProblem = "the journal holds an event that folds before the checkpoint's end"
                        return false
                    }
                case .setLocal(let k, let v): values[k] = v
                case .deleteLocal(let k): values[k] = nil
                }
            }
        }
        ledger = state
        ids = seen
        local = values
        storedDuplicates = duplicates
        openedFromCheckpoint = true
        return true
    }

    /// The snapshot file's size (0 without one), to size the ledger ahead.
    func snapshotSize() throws(StoreError) -> Int {
        guard manifest.snapshotID != Manifest.none, disk.exists(snapshotFile) else { return 0 }
        return try disk.run(snapshotFile) {
            let fd = try disk.ops.open(disk.path(snapshotFile), .readOnly)
            defer { disk.ops.close(fd) }
            return try disk.ops.size(fd)
        }
    }

    /// Streams the snapshot's chunks into `fold`.
    func readSnapshot(into fold: inout StoreFold) throws(StoreError) {
        guard manifest.snapshotID != Manifest.none else { return }
        try Snapshot.forEachChunk(disk, snapshotFile, key: keys.snapshot, storeID: storeID) { i, plain, range throws(StoreError) in
            try fold.add(plain, range, where: "snapshot chunk \(i)")
        }
    }

    /// What `afterOpen` would add, in memory only: events a crash kept out of the journal.
    func afterOpenReadOnly() throws {
        let missing = manifest.pending.compactMap { try? EventCodec.decode($0) }.filter { !ids.contains($0.id) }
        guard !missing.isEmpty else { return }
        for e in missing { ids.insert(e.id) }
        ledger = LedgerState.fold(try allContents().events + missing, catalogue: configuration.catalogue, points: configuration.points)
    }

    /// Replays events a crash kept out of the journal; tells psychologists about notes access
    /// (never grants: see Session+Notes.swift); compacts a very long journal, and a large store
    /// that had to be folded event by event (no usable checkpoint, or a journal event the
    /// checkpoint cannot take: back-dated, synced in, a correction), so that the next open
    /// reads a checkpoint again.
    func afterOpen() throws {
        let missing = manifest.pending.compactMap { try? EventCodec.decode($0) }.filter { !ids.contains($0.id) }
        if !missing.isEmpty { try appendEvents(missing) }
        afterOpenNotes()
        migrateSyncIdentity()
        let refolded = !openedFromCheckpoint && eventCount >= Self.checkpointAfterFoldEvents
        if journalFrames > Self.autoCompactFrames || refolded {
            do {
                try compactNow()
                if refolded { notices.append(Message("store.notice.checkpointWritten", String(eventCount))) }
            } catch {
                notices.append(Message("store.notice.compactFailed", "\(error)"))
            }
        }
    }
}
