import Crypto
import Foundation
import SenimCore

/// The state of every file of a store, one line per finding.
public struct VerifyReport: Sendable, CustomStringConvertible {
    public struct Line: Sendable, CustomStringConvertible {
        public var file: String
        public var ok: Bool
        public var text: String
        public var description: String { "\(ok ? "ok  " : "BAD ") \(file): \(text)" }
    }

    public var lines: [Line] = []
    /// Authentic events found (snapshot + journal, counted once).
    public var eventCount = 0
    /// True when nothing is damaged (a torn last write or an unfinished compaction, which the
    /// next open repairs by itself, still counts as ok).
    public var ok: Bool { lines.allSatisfy(\.ok) }
    public var description: String { lines.map(\.description).joined(separator: "\n") }

    mutating func add(_ file: String, _ ok: Bool, _ text: String) { lines.append(Line(file: file, ok: ok, text: text)) }
}

/// What salvage recovered.
public struct SalvageReport: Sendable, CustomStringConvertible {
    public var events = 0
    public var users: [String] = []
    /// Damage skipped while reading, one line each.
    public var skipped: [String] = []
    public var description: String {
        var s = "salvaged \(events) events; users with access to the new store: \(users.joined(separator: ", "))"
        for k in skipped { s += "\nskipped: " + k }
        return s
    }
}

extension Session {
    /// Checks every file without changing anything (takes the lock while reading).
    /// Throws only when the store cannot be found, is in use, or the name/passphrase open
    /// no keyslot; damage is reported in the lines.
    public static func verify(at directory: URL, user: String, passphrase: String, configuration: Configuration,
                              fileSystem: FileSystem = .real, derivation: KeyDerivation = .scrypt) throws -> VerifyReport {
        let disk = Disk(fileSystem, directory)
        guard disk.exists(Disk.keys) else { throw StoreError.noStore(path: disk.directory) }
        let lockFD = try takeLock(disk)
        defer { disk.ops.close(lockFD) }
        var report = VerifyReport()
        guard let kf = try Self.checkKeysFile(disk, &report) else { return report }
        let unlocked: Result<Unlocked, StoreError>
        do { unlocked = .success(try unlock(kf, name: user, passphrase: passphrase, derivation: derivation)) } catch { unlocked = .failure(error) }
        let u: Unlocked
        switch unlocked {
        case .success(let x): u = x
        case .failure(.damaged(_, let d)):
            report.add("keys", false, d)
            return report
        case .failure(let e): throw e
        }
        let m: Manifest
        do { m = try openManifest(kf, dataKey: u.dataKey) } catch {
            report.add("keys", false, "\(error)")
            return report
        }
        // An account on a one-time passphrase does nothing but choose its own.
        if m.directory.first(where: { $0.slot == u.slot })?.oneTimePassphrase == true {
            throw StoreError.notAllowed(Message("store.passphrase.mustChange"))
        }
        report.add("keys", true, "manifest intact: \(m.directory.count) users, device \(m.device)")
        if !m.directory.contains(where: { $0.slot == u.slot && Names.key($0.name) == Names.key(u.content.name) }) {
            report.add("keys", false, "the manifest does not list keyslot \(u.slot); opening refuses")
        }
        try verifyFiles(disk, kf, m, DataKeys(u.dataKey, storeID: kf.storeID), &report, configuration: configuration)
        return report
    }

    /// The folder this session's store lives in (no output path may lie inside it).
    public var storeDirectory: URL { URL(fileURLWithPath: disk.directory) }

    /// The open session's own check (the TUI's Store screen): the same checks of every file
    /// as `verify(at:)`, under the lock this session already holds and with its data key
    /// instead of deriving it again from the passphrase. Reads only; changes nothing.
    /// `progress(done, total)`: after each snapshot chunk, the checkpoint check and the journal
    /// (the TUI's progress bar), on the calling thread.
    public func verify(progress: ((Int, Int) -> Void)? = nil) throws -> VerifyReport {
        if closed { throw StoreError.notAllowed(Message("store.closed")) }
        var report = VerifyReport()
        guard let kf = try Self.checkKeysFile(disk, &report) else { return report }
        guard kf.storeID == storeID else {
            report.add("keys", false, "belongs to another store than the one open; opening refuses")
            return report
        }
        if !kf.slots.indices.contains(slotIndex) || kf.slots[slotIndex] != keysFile.slots[slotIndex] {
            report.add("keys", false, "this user's keyslot \(slotIndex) differs from the one this session opened")
        }
        let m: Manifest
        do { m = try Self.openManifest(kf, dataKey: keys.root) } catch {
            report.add("keys", false, "\(error)")
            return report
        }
        report.add("keys", true, "manifest intact: \(m.directory.count) users, device \(m.device)")
        try Self.verifyFiles(disk, kf, m, keys, &report, configuration: configuration, progress: progress)
        return report
    }

    /// The keys file's own check, shared by both forms of `verify`: it parses, and which
    /// keyslots are damaged. Nil (with the reason in `report`) when it does not parse.
    static func checkKeysFile(_ disk: Disk, _ report: inout VerifyReport) throws -> KeysFile? {
        guard let kbytes = try disk.read(Disk.keys, limit: KeysFile.maxFileSize) else { throw StoreError.noStore(path: disk.directory) }
        let kf: KeysFile
        do { kf = try KeysFile.parse(kbytes) } catch {
            report.add("keys", false, "\(error)")
            return nil
        }
        var damagedSlots: [String] = []
        for (i, s) in kf.slots.enumerated() { if case .damaged(let why) = Slot.inspect(s) { damagedSlots.append("keyslot \(i): \(why)") } }
        report.add("keys", damagedSlots.isEmpty, "format \(KeysFile.version), \(kf.slots.count) keyslots (users and decoys)"
                   + (damagedSlots.isEmpty ? ", all intact" : "; damaged: " + damagedSlots.joined(separator: "; ")))
        return kf
    }

    /// Every snapshot and journal check shared by both forms of `verify`.
    static func verifyFiles(_ disk: Disk, _ kf: KeysFile, _ m: Manifest, _ keys: DataKeys, _ report: inout VerifyReport,
                            configuration: Configuration, progress: ((Int, Int) -> Void)? = nil) throws {
        // Steps: each snapshot chunk, the checkpoint check, the journal (1 when never compacted).
        var steps = 1
        defer { progress?(steps, steps) }
        // Events are decoded and counted, not kept: verify's memory is bounded by one chunk and
        // the id set, whatever the store's size.
        var contents = Contents(keepEvents: false)
        // Which file opening would read: the committed name, or the `.new` file the keys file
        // already names (an interrupted change the next open completes); else opening refuses.
        func fileID(_ n: String) -> Result<[UInt8]?, StoreError> {
            do throws(StoreError) {
                guard let h = try disk.readPrefix(n, 64) else { return .success(nil) }
                return .success(n.hasPrefix(Disk.snapshot) ? try Snapshot.parseHeader(h, storeID: kf.storeID, file: n).snapshotID
                                                            : try Journal.parseHeader(h, storeID: kf.storeID, file: n))
            } catch { return .failure(error) }
        }
        func pick(_ name: String, _ want: [UInt8]) -> (name: String, pending: Bool)? {
            let current = fileID(name)
            if case .success(let id) = current, id == want { return (name, false) }
            if case .success(let id) = fileID(name + Disk.newSuffix), id == want { return (name + Disk.newSuffix, true) }
            switch current {
            case .success(nil): report.add(name, false, "missing (the keys file expects \(want.hex)); opening refuses")
            case .success(let id?): report.add(name, false, "holds \(id.hex) but the keys file expects \(want.hex) (a copy from another time or store was put back); opening refuses")
            case .failure(let e): report.add(name, false, "\(e)")
            }
            return nil
        }
        // Snapshot.
        if m.snapshotID == Manifest.none {
            report.add("snapshot", true, disk.exists(Disk.snapshot) ? "not used yet (an unreferenced file is present)" : "none yet (never compacted)")
        } else if let (name, pending) = pick(Disk.snapshot, m.snapshotID) {
            // Streamed chunk by chunk, as opening reads it; only a damaged snapshot is read
            // whole, for the salvage scan.
            var streamed = Contents(keepEvents: false)
            var chunks = 0
            if let h = (try? disk.readPrefix(name, Snapshot.headerSize)) ?? nil,
               let header = try? Snapshot.parseHeader(h, storeID: kf.storeID, file: name) {
                steps = Int(header.count) + 2
            }
            var decodeProblems: [String] = []
            do {
                try Snapshot.forEachChunk(disk, name, key: keys.snapshot, storeID: kf.storeID, file: name) { i, plain, range throws(StoreError) in
                    chunks = i + 1
                    progress?(min(chunks, steps - 1), steps)
                    do { try streamed.apply(plain, range, where: "snapshot chunk \(i)") } catch { decodeProblems.append("\(error)") }
                }
                for p in decodeProblems { report.add(name, false, p) }
                contents = streamed
                report.add(name, true, "\(chunks) chunks intact" + (pending ? " (an interrupted change; the next open completes it)" : ""))
                if let line = StoreCheckpoint.verify(disk, name, key: keys.snapshot, storeID: kf.storeID, configuration: configuration) {
                    report.add(name, line.ok, line.text)
                }
                progress?(steps - 1, steps)
            } catch {
                // What opening meets, then what salvage would recover.
                report.add(name, false, "\(error); opening refuses")
                if let b = (try? FileWindow(disk, name)) ?? nil,
                   let r = try? Snapshot.salvage(b, key: keys.snapshot, storeID: kf.storeID, file: name) {
                    for recs in r.records { try? contents.apply(recs, where: name) }
                    report.add(name, false, "\(r.records.count) authentic chunks (salvage recovers them)")
                    for d in r.damaged { report.add(name, false, "chunk \(d.index): \(d.reason)") }
                    for g in r.skippedRegions { report.add(name, false, "\(g.bytes) bytes at offset \(g.offset): \(g.reason)") }
                }
            }
        }
        // Journal.
        if let (jname, _) = pick(Disk.journal, m.journalID), let b = try FileWindow(disk, jname) {
            do {
                let jid = try Journal.parseHeader(Array(b.bytes(0..<min(Journal.headerSize, b.count))), storeID: kf.storeID, file: jname)
                let scan = Journal.scan(b, key: keys.journal, storeID: kf.storeID, journalID: jid, salvage: true)
                for f in scan.frames + scan.salvagedAfterDamage {
                    do { try contents.apply(f.records, where: "journal frame \(f.seq)") } catch { report.add(jname, false, "\(error)") }
                }
                switch scan.tail {
                case .clean:
                    report.add(jname, true, "\(scan.frames.count) frames intact")
                case .torn(let off, let n, let why):
                    report.add(jname, true, "\(scan.frames.count) frames intact; an interrupted last write of \(n) bytes at offset \(off) (\(why)) holds nothing saved: the next open for a change drops it, read commands leave it")
                case .damagedTail(let off, let seq, let why):
                    report.add(jname, false, "\(scan.frames.count) frames intact, then frame \(seq) at offset \(off) is complete but \(why): damage; opening refuses")
                    for r in scan.skippedRegions where r.offset != off { report.add(jname, false, "\(r.bytes) bytes at offset \(r.offset): \(r.reason)") }
                    if !scan.salvagedAfterDamage.isEmpty {
                        report.add(jname, false, "\(scan.salvagedAfterDamage.count) authentic frames found out of place (salvage recovers them)")
                    }
                case .damaged(let off, let seq, let why, _):
                    report.add(jname, false, "\(scan.frames.count) frames intact, then frame \(seq) at offset \(off): \(why); \(scan.salvagedAfterDamage.count) authentic frames after it (salvage recovers them); opening refuses")
                    for r in scan.skippedRegions { report.add(jname, false, "\(r.bytes) bytes at offset \(r.offset): \(r.reason)") }
                }
            } catch {
                report.add(jname, false, "\(error)")
            }
            if let f = b.failure { report.add(jname, false, "\(f)") }
        }
        for n in (try? disk.list()) ?? [] where n.hasSuffix(Disk.newSuffix) {
            let used = (n == Disk.journal + Disk.newSuffix && (try? fileID(n).get()) == m.journalID)
                || (n == Disk.snapshot + Disk.newSuffix && m.snapshotID != Manifest.none && (try? fileID(n).get()) == m.snapshotID)
            if !used { report.add(n, true, "left by an interrupted change that did not commit; removed at the next open for a change") }
        }
        report.eventCount = contents.ids.count
        report.add("events", true, "\(contents.ids.count) authentic events" + (contents.duplicates > 0 ? " (\(contents.duplicates) repeated ids counted once)" : ""))
    }

    /// Copies every authenticated event (and local setting) of a damaged store into a new
    /// store at `newDirectory`, under a fresh data key. Keyslots are carried over, so every
    /// user keeps their passphrase (if the manifest is unreadable, only this user).
    public static func salvage(from directory: URL, to newDirectory: URL, user: String, passphrase: String,
                               configuration: Configuration, fileSystem: FileSystem = .real,
                               derivation: KeyDerivation = .scrypt) throws -> SalvageReport {
        try salvage(from: directory, to: newDirectory, user: user, passphrase: passphrase, configuration: configuration,
                    fileSystem: fileSystem, derivation: derivation, window: FileWindow.defaultWindow)
    }

    /// `window`: the damaged files are read through a `FileWindow` of this many bytes (tests
    /// use a small one to put damage across window boundaries).
    static func salvage(from directory: URL, to newDirectory: URL, user: String, passphrase: String,
                        configuration: Configuration, fileSystem: FileSystem, derivation: KeyDerivation,
                        window: Int) throws -> SalvageReport {
        let src = Disk(fileSystem, directory)
        guard src.exists(Disk.keys) else { throw StoreError.noStore(path: src.directory) }
        let dst = Disk(fileSystem, newDirectory)
        guard src.directory != dst.directory else { throw StoreError.invalid(Message("store.salvage.same")) }
        let srcLock = try takeLock(src)
        defer { src.ops.close(srcLock) }
        guard let kbytes = try src.read(Disk.keys, limit: KeysFile.maxFileSize) else { throw StoreError.noStore(path: src.directory) }
        let kf = try KeysFile.parse(kbytes)
        let u = try unlock(kf, name: user, passphrase: passphrase, derivation: derivation)
        var report = SalvageReport()
        let m: Manifest?
        do { m = try openManifest(kf, dataKey: u.dataKey) } catch {
            m = nil
            report.skipped.append("keys: \(error); only \(u.content.name) keeps access")
        }
        if m?.directory.first(where: { $0.slot == u.slot })?.oneTimePassphrase == true {
            throw StoreError.notAllowed(Message("store.passphrase.mustChange"))
        }
        let keys = DataKeys(u.dataKey, storeID: kf.storeID)
        var contents = Contents()
        func apply(_ recs: [Record], _ whereText: String) {
            for r in recs {
                do { try contents.apply([r], where: whereText) } catch { report.skipped.append("\(whereText): \(error)") }
            }
        }
        // Every snapshot and journal file of this store, whichever the keys file names: every
        // chunk and frame that authenticates under this store's key is authentic, wherever it
        // sits (a file put back from another time, a leftover `.new`). Events are kept once.
        let snapshotNames = [Disk.snapshot, Disk.snapshot + Disk.newSuffix]
        let journalNames = [Disk.journal, Disk.journal + Disk.newSuffix]
        // Each file is read through a bounded window, never whole (issue 11).
        for name in snapshotNames {
            let b: FileWindow
            do { guard let x = try FileWindow(src, name, window: window) else { continue }; b = x } catch { report.skipped.append("\(name): \(error)"); continue }
            defer { if let f = b.failure { report.skipped.append("\(name): \(f)") } }
            do {
                let r = try Snapshot.salvage(b, key: keys.snapshot, storeID: kf.storeID, file: name)
                for (i, recs) in r.records.enumerated() { apply(recs, "\(name) chunk \(i)") }
                for d in r.damaged { report.skipped.append("\(name) chunk \(d.index): \(d.reason)") }
                for g in r.skippedRegions { report.skipped.append("\(name): \(g.bytes) bytes at offset \(g.offset): \(g.reason)") }
                if let m, m.snapshotID != Manifest.none,
                   let h = try? Snapshot.parseHeader(Array(b.bytes(0..<min(Snapshot.headerSize, b.count))), storeID: kf.storeID),
                   h.snapshotID != m.snapshotID {
                    report.skipped.append("\(name): not the snapshot the keys file names (\(h.snapshotID.hex)); its authentic chunks were kept anyway")
                }
            } catch {
                report.skipped.append("\(name): whole file skipped: \(error)")
            }
        }
        for name in journalNames {
            let b: FileWindow
            do { guard let x = try FileWindow(src, name, window: window) else { continue }; b = x } catch { report.skipped.append("\(name): \(error)"); continue }
            defer { if let f = b.failure { report.skipped.append("\(name): \(f)") } }
            do {
                let jid = try Journal.parseHeader(Array(b.bytes(0..<min(Journal.headerSize, b.count))), storeID: kf.storeID, file: name)
                let scan = Journal.scan(b, key: keys.journal, storeID: kf.storeID, journalID: jid, salvage: true)
                for f in scan.frames + scan.salvagedAfterDamage { apply(f.records, "\(name) frame \(f.seq)") }
                for r in scan.skippedRegions { report.skipped.append("\(name): \(r.bytes) bytes at offset \(r.offset): \(r.reason)") }
                // Sequence numbers never found: frames lost whole (cut out, or beyond repair).
                let seqs = Set((scan.frames + scan.salvagedAfterDamage).map(\.seq))
                if let top = seqs.max(), top < UInt64(b.count) {
                    for q in 0..<top where !seqs.contains(q) { report.skipped.append("\(name): frame \(q) missing") }
                }
                if let m, jid != m.journalID {
                    report.skipped.append("\(name): not the journal the keys file names (\(jid.hex)); its authentic frames were kept anyway")
                }
            } catch {
                report.skipped.append("\(name): whole file skipped: \(error)")
            }
        }
        for n in ((try? src.list()) ?? []).sorted() where !(snapshotNames + journalNames + [Disk.keys, Disk.lock]).contains(n) {
            report.skipped.append("\(n): not a store file, not read")
        }
        // The new store: same store id, salt and device; a fresh data key granted to every
        // user in the directory; keyslot contents copied as they are.
        try dst.run(".") { try dst.ops.secureDirectory(dst.directory) }
        if dst.exists(Disk.keys) { throw StoreError.alreadyExists(path: dst.directory) }
        let foreign = try dst.list().filter { !Disk.ownNames.contains($0) }
        guard foreign.isEmpty else {
            throw StoreError.invalid(Message("store.create.notEmpty", dst.directory, foreign.prefix(3).joined(separator: ", ")))
        }
        let dstLock = try takeLock(dst)
        defer { dst.ops.close(dstLock) }
        let newKey = SymmetricKey(size: .bits256)
        let nk = DataKeys(newKey, storeID: kf.storeID)
        var slots = kf.slots
        var directoryEntries: [Manifest.Entry]
        if let m {
            directoryEntries = []
            for e in m.directory {
                guard let pub = try? Curve25519.KeyAgreement.PublicKey(rawRepresentation: e.publicKey) else { continue }
                slots[e.slot] = Slot.replacingGrant(slots[e.slot], kind: .data, key: newKey, to: pub, storeID: kf.storeID)
                directoryEntries.append(e)
            }
        } else {
            let params = Slot.params(kf.slots[u.slot])
            slots = (0..<KeysFile.maxSlots).map { _ in Slot.decoy(params) }
            slots[u.slot] = Slot.replacingGrant(kf.slots[u.slot], kind: .data, key: newKey, to: u.content.privateKey.publicKey, storeID: kf.storeID)
            directoryEntries = [Manifest.Entry(slot: u.slot, name: u.content.name, role: u.content.role,
                                               publicKey: Array(u.content.privateKey.publicKey.rawRepresentation),
                                               hasNotesGrant: u.notesKey != nil)]
        }
        // Damaged slots become fresh decoys (their owners are told by the report).
        for i in slots.indices { if case .damaged = Slot.inspect(slots[i]) { slots[i] = Slot.decoy(Slot.params(kf.slots[u.slot])) } }
        let sid = Primitives.random(16), jid = Primitives.random(16)
        var manifest = Manifest(device: m?.device ?? DeviceID(UInt64.random(in: 1...UInt64.max)), snapshotID: sid, journalID: jid,
                                created: m?.created ?? 0, notesKeyID: m?.notesKeyID ?? Manifest.none,
                                directory: directoryEntries, pending: [])
        // The keyring is sealed under the notes key: carried over as it is (older notes stay readable).
        manifest.notesKeyring = m?.notesKeyring ?? []
        manifest.notesRotation = m?.notesRotation ?? false
        var newKF = KeysFile(storeID: kf.storeID, storeSalt: kf.storeSalt, slots: slots, manifestNonce: [], manifestSealed: [])
        newKF.seal(manifest, key: nk.manifest)
        // Written chunk by chunk (`Snapshot.write`, the chunking rule of every snapshot), not
        // built whole in memory beside the recovered events.
        let inOrder = contents.events.sorted(by: Event.foldsBefore)
        let localKeys = contents.local.keys.sorted()
        try Snapshot.write(dst, Disk.snapshot, key: nk.snapshot, storeID: kf.storeID, snapshotID: sid) { emit throws(StoreError) in
            var w = BinaryWriter(capacity: 256)
            for e in inOrder {
                w.bytes.removeAll(keepingCapacity: true)
                EventCodec.encode(e, into: &w)
                try emit(.event(w.bytes[...]))
            }
            for k in localKeys { try emit(.record(.setLocal(k, contents.local[k]!))) }
        }
        try dst.writeSynced(Disk.journal, Journal.header(storeID: kf.storeID, journalID: jid))
        try dst.writeSynced(Disk.keys + Disk.newSuffix, newKF.serialize())
        try dst.syncDirectory()
        try dst.rename(Disk.keys + Disk.newSuffix, Disk.keys)
        try dst.syncDirectory()
        report.events = contents.ids.count
        report.users = directoryEntries.map(\.name).sorted()
        return report
    }
}
