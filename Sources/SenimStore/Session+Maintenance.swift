import Crypto
import Foundation
import SenimCore

extension Session {
    // MARK: The commit protocol

    /// Writes each `files` entry as `<name>.new` (synced), then `keys.new` (synced), syncs
    /// the directory, and commits by renaming `keys.new` over `keys`; then renames the other
    /// files into place. A crash before the commit rename leaves the old state (the `.new`
    /// files are removed at next open); after it, opening completes the renames, because the
    /// new manifest names the new files by id.
    /// `streamed` names files whose `<name>.new` the caller has already written and synced
    /// (a snapshot written chunk by chunk); they are committed, or removed, with the others.
    func commit(_ kf: KeysFile, files: [(String, [UInt8])], streamed: [String] = []) throws(StoreError) {
        try requireWritable()
        var written: [String] = streamed.map { $0 + Disk.newSuffix }
        do {
            for (name, bytes) in files {
                try disk.writeSynced(name + Disk.newSuffix, bytes)
                written.append(name + Disk.newSuffix)
            }
            try disk.writeSynced(Disk.keys + Disk.newSuffix, kf.serialize())
            written.append(Disk.keys + Disk.newSuffix)
            try disk.syncDirectory()
        } catch {
            for n in written { disk.remove(n) }
            throw error
        }
        do {
            try disk.rename(Disk.keys + Disk.newSuffix, Disk.keys)
        } catch {
            // A failed rename may or may not have happened: only a reopen can tell.
            broken = error
            throw error
        }
        do {
            try disk.syncDirectory()
            for name in streamed + files.map(\.0) { try disk.rename(name + Disk.newSuffix, name) }
            if !files.isEmpty || !streamed.isEmpty { try disk.syncDirectory() }
        } catch {
            broken = error
            throw error
        }
        keysFile = kf
    }

    func reopenJournal() throws(StoreError) {
        if let fd = journalFD { disk.ops.close(fd) }
        journalFD = nil
        do {
            journalFD = try disk.run(Disk.journal) { try disk.ops.open(disk.path(Disk.journal), .readWrite) }
        } catch {
            broken = error
            throw error
        }
        journalEnd = Journal.headerSize
        nextSeq = 0
        journalFrames = 0
    }

    /// Distinct KDF parameter sets among the usable slots if `slots` were written.
    static func parameterSets(_ slots: [[UInt8]]) -> Int {
        var sets = Set<KDFParameters>()
        for s in slots { if case .usable(let p) = Slot.inspect(s) { sets.insert(p) } }
        return sets.count
    }

    var ownParameters: KDFParameters { Slot.params(keysFile.slots[slotIndex]) }

    // MARK: Compaction

    /// Rewrites snapshot + journal as one new encrypted snapshot and an empty journal
    /// (coordinators; opening also compacts automatically past `autoCompactFrames`).
    public func compact() throws {
        try require(.compact)
        try compactNow()
    }

    func compactNow() throws {
        try requireWritable()
        try rewrite(dataKey: nil)
    }

    /// New snapshot + empty journal (+ a fresh data key for rekey), committed atomically. The
    /// snapshot is streamed (`writeStreamedSnapshot`); only a store in an unusual shape is
    /// gathered in memory first. `rotateNotesKey` (rekey) asks the next psychologist holding the
    /// notes key to replace it (see `Session.rotateNotesKey`): this process may be a
    /// coordinator's and never sees it.
    func rewrite(dataKey newKey: SymmetricKey?, rotateNotesKey: Bool = false) throws {
        let k = newKey.map { DataKeys($0, storeID: storeID) } ?? keys
        let sid = Primitives.random(16), jid = Primitives.random(16)
        let journal = Journal.header(storeID: storeID, journalID: jid)
        var m = manifest
        m.snapshotID = sid
        m.journalID = jid
        m.pending = []
        if rotateNotesKey { m.notesRotation = true }
        var kf = keysFile
        if let newKey {
            for e in m.directory {
                guard let pub = try? Curve25519.KeyAgreement.PublicKey(rawRepresentation: e.publicKey) else {
                    throw StoreError.damaged(file: "keys", detail: "the manifest holds a bad public key for keyslot \(e.slot)")
                }
                kf.slots[e.slot] = Slot.replacingGrant(kf.slots[e.slot], kind: .data, key: newKey, to: pub, storeID: storeID)
            }
        }
        kf.seal(m, key: k.manifest)
        try requireWritable()
        if try writeStreamedSnapshot(Disk.snapshot + Disk.newSuffix, key: k.snapshot, snapshotID: sid) {
            try commit(kf, files: [(Disk.journal, journal)], streamed: [Disk.snapshot])
        } else {
            let c = try allContents()
            let snapshot = Snapshot.build(events: c.events, local: c.local, key: k.snapshot, storeID: storeID, snapshotID: sid)
            try commit(kf, files: [(Disk.snapshot, snapshot), (Disk.journal, journal)])
        }
        manifest = m
        keys = k
        storedDuplicates = 0
        try reopenJournal()
    }

    // MARK: Keys

    /// Re-encrypts everything under a fresh data key and hands it to every remaining user
    /// (sealed to their public keys: no passphrase needed). Coordinators; do it after
    /// removing a user. Crash-safe: the old or the new key, never neither.
    public func rekey() throws {
        try require(.rekey)
        try requireWritable()
        try rewrite(dataKey: SymmetricKey(size: .bits256), rotateNotesKey: manifest.notesKeyID != Manifest.none)
    }

    /// Re-seals this user's keyslot under a new passphrase (and optionally new KDF
    /// parameters). Always asks for the current passphrase, so that nobody at a laptop left
    /// unlocked can take the account over. Ends a one-time passphrase (which cannot be chosen
    /// again as the new one). Old copies of the keys file (backups) still open with the old one.
    public func changePassphrase(from current: String, to newPassphrase: String, kdf: KDFParameters? = nil) throws {
        try require(.changeOwnPassphrase)
        try requireWritable()
        let params = kdf ?? ownParameters
        guard checkOwnPassphrase(current) else { throw StoreError.notAllowed(Message("store.passphrase.currentWrong")) }
        try Self.checkPassphrase(newPassphrase)
        if mustChangePassphrase, Names.passphraseBytes(newPassphrase) == Names.passphraseBytes(current) {
            throw StoreError.invalid(Message("store.passphrase.same"))
        }
        if let p = params.problem { throw StoreError.invalid(Message("store.kdf.refused", p)) }
        var kf = keysFile
        guard let slot = Slot.reseal(kf.slots[slotIndex], content: Slot.Content(name: user, role: role, privateKey: privateKey),
                                     passphrase: Names.passphraseBytes(newPassphrase), params: params,
                                     storeID: storeID, storeSalt: kf.storeSalt, derivation: derivation) else {
            throw StoreError.invalid(Message("store.kdf.refused", params.description))
        }
        kf.slots[slotIndex] = slot
        guard Self.parameterSets(kf.slots) <= Self.maxParameterSets else {
            throw StoreError.invalid(Message("store.kdf.tooManySets", String(Self.maxParameterSets)))
        }
        var m = manifest
        if let i = m.directory.firstIndex(where: { $0.slot == slotIndex }) { m.directory[i].oneTimePassphrase = false }
        kf.seal(m, key: keys.manifest)
        try commit(kf, files: [])
        manifest = m
    }

    /// Whether `passphrase` opens this user's own keyslot (one scrypt run).
    func checkOwnPassphrase(_ passphrase: String) -> Bool {
        let pass = Names.passphraseBytes(passphrase)
        guard !pass.isEmpty, pass.count <= Self.maxPassphraseBytes,
              let kek = derivation.key(pass, salt: Slot.salt(storeSalt: keysFile.storeSalt, name: user), params: ownParameters),
              let c = Slot.open(keysFile.slots[slotIndex], kek: kek, storeID: storeID) else { return false }
        return c.privateKey.publicKey.rawRepresentation == privateKey.publicKey.rawRepresentation
    }

    /// Adds a user with their own keyslot and records a `userAdded` event (coordinators).
    /// The passphrase is a one-time passphrase unless `oneTime` is false (the demo): the user
    /// must choose their own at first unlock. A new psychologist gets no notes key: a
    /// psychologist who holds it grants it explicitly (`grantNotes`).
    public func addUser(name: String, role newRole: Role, passphrase: String, kdf: KDFParameters? = nil, oneTime: Bool = true) throws {
        try require(.manageUsers)
        try requireWritable()
        let name = Names.nfc(name)
        let params = kdf ?? ownParameters
        try Self.checkNewUser(name: name, passphrase: passphrase, kdf: params)
        guard !manifest.directory.contains(where: { Names.key($0.name) == Names.key(name) }) else {
            throw StoreError.invalid(Message("store.user.exists", PrivacyGuard.echo(name)))
        }
        let used = Set(manifest.directory.map(\.slot))
        guard let index = (0..<keysFile.slots.count).filter({ !used.contains($0) }).randomElement() else {
            throw StoreError.tooManySlots
        }
        let pk = Curve25519.KeyAgreement.PrivateKey()
        var m = manifest
        guard let slot = Slot.make(storeID: storeID, storeSalt: keysFile.storeSalt,
                                   content: Slot.Content(name: name, role: newRole, privateKey: pk),
                                   passphrase: Names.passphraseBytes(passphrase), params: params,
                                   dataKey: keys.root, notesKey: nil, derivation: derivation) else {
            throw StoreError.invalid(Message("store.kdf.refused", params.description))
        }
        var kf = keysFile
        kf.slots[index] = slot
        guard Self.parameterSets(kf.slots) <= Self.maxParameterSets else {
            throw StoreError.invalid(Message("store.kdf.tooManySets", String(Self.maxParameterSets)))
        }
        let made = context()
        let now = made.at
        let event = Event(id: made.id, at: now, author: user,
                          device: device, site: point, body: .userAdded(name: name, role: newRole))
        m.directory.append(Manifest.Entry(slot: index, name: name, role: newRole,
                                          publicKey: Array(pk.publicKey.rawRepresentation), hasNotesGrant: false,
                                          oneTimePassphrase: oneTime, createdBy: user, createdAt: now))
        resealSyncIdentity(&m, adding: newRole == .coordinator ? SyncSeal.Holder(name: name, publicKey: Array(pk.publicKey.rawRepresentation)) : nil)
        m.pending = [EventCodec.encode(event)]
        kf.seal(m, key: keys.manifest)
        try commit(kf, files: [])
        manifest = m
        try appendEvents([event])
        if newRole == .psychologist { notices.append(Message("store.notice.notesGrantNeeded", name)) }
    }

    /// A coordinator's "reset passphrase" for someone who forgot theirs: their keyslot gets a
    /// new key pair and `oneTimePassphrase` (they choose their own at next unlock). A
    /// psychologist loses the notes key until a holder grants it again; if they were the last
    /// holder, that needs `force` (every note becomes unreadable in this store).
    public func resetPassphrase(name: String, to oneTimePassphrase: String, force: Bool = false, kdf: KDFParameters? = nil) throws {
        try require(.manageUsers)
        try requireWritable()
        guard let entry = manifest.directory.first(where: { Names.key($0.name) == Names.key(name) }) else {
            throw StoreError.invalid(Message("store.user.notFound", String(PrivacyGuard.echo(name).prefix(40))))
        }
        guard entry.slot != slotIndex else { throw StoreError.notAllowed(Message("store.user.resetSelf")) }
        if isLastNotesHolder(entry) && !force { throw StoreError.notAllowed(Message("store.notes.lastHolder", entry.name)) }
        let params = kdf ?? ownParameters
        try Self.checkNewUser(name: entry.name, passphrase: oneTimePassphrase, kdf: params)
        let pk = Curve25519.KeyAgreement.PrivateKey()
        guard let slot = Slot.make(storeID: storeID, storeSalt: keysFile.storeSalt,
                                   content: Slot.Content(name: entry.name, role: entry.role, privateKey: pk),
                                   passphrase: Names.passphraseBytes(oneTimePassphrase), params: params,
                                   dataKey: keys.root, notesKey: nil, derivation: derivation) else {
            throw StoreError.invalid(Message("store.kdf.refused", params.description))
        }
        var kf = keysFile
        kf.slots[entry.slot] = slot
        guard Self.parameterSets(kf.slots) <= Self.maxParameterSets else {
            throw StoreError.invalid(Message("store.kdf.tooManySets", String(Self.maxParameterSets)))
        }
        var m = manifest
        guard let i = m.directory.firstIndex(where: { $0.slot == entry.slot }) else { return }
        m.directory[i].publicKey = Array(pk.publicKey.rawRepresentation)
        m.directory[i].hasNotesGrant = false
        m.directory[i].oneTimePassphrase = true
        resealSyncIdentity(&m, adding: entry.role == .coordinator ? SyncSeal.Holder(name: entry.name, publicKey: Array(pk.publicKey.rawRepresentation)) : nil)
        kf.seal(m, key: keys.manifest)
        try commit(kf, files: [])
        manifest = m
    }

    /// Removes a user's keyslot and records a `userRemoved` event (coordinators). The user
    /// may have copied the data key while they had access: run `rekey()` next.
    /// Removing the last psychologist who holds the notes key needs `force`: every note
    /// becomes unreadable in this store, for good.
    public func removeUser(name: String, force: Bool = false) throws {
        try require(.manageUsers)
        try requireWritable()
        guard let entry = manifest.directory.first(where: { Names.key($0.name) == Names.key(name) }) else {
            throw StoreError.invalid(Message("store.user.notFound", String(PrivacyGuard.echo(name).prefix(40))))
        }
        guard entry.slot != slotIndex else { throw StoreError.notAllowed(Message("store.user.removeSelf")) }
        if isLastNotesHolder(entry) && !force { throw StoreError.notAllowed(Message("store.notes.lastHolder", entry.name)) }
        var kf = keysFile
        kf.slots[entry.slot] = Slot.decoy(Slot.params(kf.slots[entry.slot]).problem == nil ? Slot.params(kf.slots[entry.slot]) : ownParameters)
        var m = manifest
        m.directory.removeAll { $0.slot == entry.slot }
        resealSyncIdentity(&m, adding: nil)
        let made = context()
        let event = Event(id: made.id, at: made.at, author: user,
                          device: device, site: point, body: .userRemoved(name: entry.name))
        m.pending = [EventCodec.encode(event)]
        kf.seal(m, key: keys.manifest)
        try commit(kf, files: [])
        manifest = m
        try appendEvents([event])
        notices.append(Message("store.notice.rekeyAdvised", entry.name))
    }

    // MARK: Backup and restore

    /// Writes a one-file encrypted backup (keys, a fresh snapshot, an empty journal), atomically
    /// (temp file in the same directory, fsync, rename, fsync directory), then reads it back
    /// and checks every chunk and every event id (coordinators).
    public func backup(to file: URL) throws { try backup(to: file, force: false) }

    /// Writes the backup atomically next to `file`. Refuses a path inside the store folder
    /// (links resolved) and an existing file unless `force`; removes temporary files left by an
    /// interrupted earlier backup to the same name.
    public func backup(to file: URL, force: Bool) throws { try backup(to: file, force: force, progress: nil) }

    /// The same, reporting `progress(done, total)` as it goes (the TUI's progress bar): the
    /// snapshot is produced twice (sizing, then writing) and the copy read back once, each a
    /// third of the work. Called on the thread that runs the backup.
    public func backup(to file: URL, force: Bool, progress: ((Int, Int) -> Void)?) throws {
        try require(.backup)
        if closed { throw StoreError.notAllowed(Message("store.closed")) }
        // The path is checked before anything is computed.
        let target = Disk(disk.ops, path: file.deletingLastPathComponent().standardizedFileURL.path)
        guard target.directory != disk.directory, !OutputFile.isInside(file, store: URL(fileURLWithPath: disk.directory)) else {
            throw StoreError.invalid(Message("store.backup.inside"))
        }
        let name = file.lastPathComponent
        // Temporary files of an interrupted earlier backup to this name: complete encrypted
        // copies that nothing would ever remove.
        for n in (try? target.list()) ?? [] where n.hasPrefix(name + OutputFile.tempMarker) {
            let rest = n.dropFirst(name.count + OutputFile.tempMarker.count)
            if rest.count == 8, rest.allSatisfy(\.isHexDigit) { target.remove(n) }
        }
        if target.exists(name) && !force { throw StoreError.invalid(Message("store.output.exists", file.path)) }

        let sid = Primitives.random(16), jid = Primitives.random(16)
        var m = manifest
        m.snapshotID = sid
        m.journalID = jid
        m.pending = []
        var kf = keysFile
        kf.seal(m, key: keys.manifest)
        let keysBytes = kf.serialize(), journalBytes = Journal.header(storeID: storeID, journalID: jid)
        // What the copy must hold: the number of events and a digest of their ids.
        let expected: (events: Int, ids: EventIDDigest)
        // Progress units: 0 until the streamed path knows how much there is.
        var steps = 0
        let tmp = name + OutputFile.tempMarker + Primitives.random(4).hex
        if let contents = try StreamedContents(self) {
            // Streamed: the snapshot section is written chunk by chunk, its length and checksum
            // filled in afterwards, then the file's checksum computed by reading it back.
            let work = 3 * max(1, contents.events)
            steps = work
            var produced = 0
            do {
                try Backup.write(target, tmp, storeID: storeID, keys: keysBytes, journal: journalBytes) { sink throws(StoreError) in
                    try Snapshot.stream(key: keys.snapshot, storeID: storeID, snapshotID: sid,
                                        records: { emit throws(StoreError) in
                                            try contents.produce { (item: Snapshot.Item) throws(StoreError) in
                                                produced += 1
                                                if produced & 4095 == 0 { progress?(min(produced, 2 * work / 3), work) }
                                                try emit(item)
                                            }
                                        }, sink: sink)
                }
            } catch {
                target.remove(tmp)
                throw error
            }
            expected = (contents.events, contents.idDigest)
        } else {
            // A store in an unusual shape (see `StreamedContents`): gathered in memory.
            let c = try allContents()
            var digest = EventIDDigest()
            for e in c.events { digest.add(e.id) }
            expected = (c.events.count, digest)
            let snapshot = try Snapshot.build(events: c.events, local: c.local, key: keys.snapshot, storeID: storeID, snapshotID: sid)
            do {
                try Backup.write(target, tmp, storeID: storeID, keys: keysBytes, journal: journalBytes) { sink throws(StoreError) in
                    try sink(snapshot)
                }
            } catch {
                target.remove(tmp)
                throw error
            }
        }
        do {
            try target.rename(tmp, name)
            try target.syncDirectory()
        } catch {
            target.remove(tmp)
            throw error
        }
        // Read it back from disk, chunk by chunk, and check it opens with this store's key and
        // holds every event and local value.
        let problem: String?
        do {
            let parts = try Backup.inspect(target, name, file: file.path)
            let bkf = try KeysFile.parse(parts.keys)
            let bm = try Self.openManifest(bkf, dataKey: keys.root)
            var events = 0
            var digest = EventIDDigest()
            var backLocal: [String: [UInt8]] = [:]
            var found: [Record.Found] = []
            try Snapshot.forEachChunk(target, name, key: keys.snapshot, storeID: storeID, file: file.path,
                                      section: parts.snapshot) { i, plain, range throws(StoreError) in
                found.removeAll(keepingCapacity: true)
                do { try Record.scan(plain, range, into: &found) } catch {
                    throw .damaged(file: file.path, detail: "chunk \(i): authenticated content is malformed: \(error)")
                }
                for f in found {
                    switch f {
                    case .event(let sp):
                        guard let id = plain[sp.start..<sp.start + sp.count].withUnsafeBytes({ EventCodec.peekID($0) }) else {
                            throw .damaged(file: file.path, detail: "chunk \(i): an authenticated event does not decode")
                        }
                        events += 1
                        digest.add(id)
                        if steps > 0, events & 4095 == 0 { progress?(min(steps, 2 * steps / 3 + events), steps) }
                    case .local(.setLocal(let k, let v)): backLocal[k] = v
                    case .local(.deleteLocal(let k)): backLocal[k] = nil
                    case .local(.event): break
                    }
                }
            }
            let jid2 = try Journal.parseHeader(parts.journal, storeID: storeID, file: file.path)
            if bm.snapshotID != sid || bm.journalID != jid2 || jid2 != jid { problem = "file ids do not match" }
            else if events != expected.events || events != ids.count || digest != expected.ids {
                problem = "holds \(events) events, the store \(ids.count)"
            }
            else if backLocal != local { problem = "local settings differ" }
            else { problem = nil }
        } catch {
            problem = "\(error)"
        }
        if let problem { throw StoreError.damaged(file: file.path, detail: "the backup failed its check after writing: \(problem)") }
        if steps > 0 { progress?(steps, steps) }
    }

    /// Restores a backup into `directory`. Refuses to replace an existing store unless
    /// `force`; with `force` the replacement is atomic (the old store or the restored one).
    /// The backup is checked (checksums, layout) before anything is written. The restored
    /// store opens with the passphrases that were valid when the backup was made.
    public static func restore(from file: URL, to directory: URL, force: Bool) throws {
        try restore(from: file, to: directory, force: force, fileSystem: .real)
    }

    public static func restore(from file: URL, to directory: URL, force: Bool, fileSystem: FileSystem) throws {
        let source = Disk(fileSystem.operations, path: file.deletingLastPathComponent().standardizedFileURL.path)
        let name = file.lastPathComponent
        guard source.exists(name) else { throw StoreError.noStore(path: file.path) }
        // Every checksum is checked reading the file once in blocks; the snapshot section is
        // copied in blocks later, never held whole.
        let parts = try Backup.inspect(source, name, file: file.path)
        let kf = try KeysFile.parse(parts.keys)
        let snapshotHead = try Backup.read(source, name, parts.snapshot.prefix(Snapshot.headerSize), file: file.path)
        _ = try Snapshot.parseHeader(snapshotHead, storeID: kf.storeID, file: file.path)
        _ = try Journal.parseHeader(parts.journal, storeID: kf.storeID, file: file.path)
        let disk = Disk(fileSystem, directory)
        try disk.run(".") { try disk.ops.secureDirectory(disk.directory) }
        let existing = disk.exists(Disk.keys)
        if existing && !force { throw StoreError.alreadyExists(path: disk.directory) }
        if !existing {
            let foreign = try disk.list().filter { !Disk.ownNames.contains($0) }
            guard foreign.isEmpty else {
                throw StoreError.invalid(Message("store.create.notEmpty", disk.directory, foreign.prefix(3).joined(separator: ", ")))
            }
        }
        let lockFD = try takeLock(disk)
        defer { disk.ops.close(lockFD) }
        var written: [String] = []
        do {
            written.append(Disk.snapshot + Disk.newSuffix)
            try Backup.copySnapshot(source, name, parts, file: file.path, to: disk, Disk.snapshot + Disk.newSuffix)
            for (name, b) in [(Disk.journal, parts.journal), (Disk.keys, parts.keys)] {
                try disk.writeSynced(name + Disk.newSuffix, b)
                written.append(name + Disk.newSuffix)
            }
            try disk.syncDirectory()
        } catch {
            for n in written { disk.remove(n) }
            throw error
        }
        try disk.rename(Disk.keys + Disk.newSuffix, Disk.keys)
        try disk.syncDirectory()
        try disk.rename(Disk.snapshot + Disk.newSuffix, Disk.snapshot)
        try disk.rename(Disk.journal + Disk.newSuffix, Disk.journal)
        try disk.syncDirectory()
    }
}

extension Slot {
    /// The same slot (same key pair and grants) under a new passphrase / parameters.
    static func reseal(_ old: [UInt8], content: Content, passphrase: [UInt8], params: KDFParameters,
                       storeID: [UInt8], storeSalt: [UInt8], derivation: KeyDerivation) -> [UInt8]? {
        guard let kek = derivation.key(passphrase, salt: salt(storeSalt: storeSalt, name: content.name), params: params) else { return nil }
        var w = ByteWriter(capacity: KeysFile.slotSize)
        w.u8(params.logN); w.u32(params.r); w.u32(params.p)
        let sealed = Primitives.seal(encodeContent(content), key: kek, ad: contentAD(storeID: storeID, params: params))
        w.raw(sealed.nonce); w.raw(sealed.sealed)
        w.raw(old[dataGrantAt..<checksumAt])
        return withChecksum(w.bytes)
    }
}
