import Crypto
import Foundation
import SenimCore
import Testing
@testable import SenimStore

/// Forwards to the real file system and remembers the largest single read and the bytes read
/// in total (per file name), to prove that a streamed reader never takes a file whole.
/// `@unchecked Sendable`: the counters are only touched under `lock`.
final class ReadRecorder: FileOperations, @unchecked Sendable {
    private let real = RealFileOperations()
    private let lock = NSLock()
    private var paths: [Int32: String] = [:]
    private(set) var largestRead = 0
    private(set) var largestReadOf: [String: Int] = [:]
    private(set) var totalRead = 0

    func reset() { lock.lock(); largestRead = 0; largestReadOf = [:]; totalRead = 0; lock.unlock() }

    func open(_ path: String, _ mode: OpenMode) throws -> Int32 {
        let fd = try real.open(path, mode)
        lock.lock(); paths[fd] = (path as NSString).lastPathComponent; lock.unlock()
        return fd
    }
    func close(_ fd: Int32) { real.close(fd) }
    func read(_ fd: Int32, count: Int, at offset: Int) throws -> [UInt8] {
        let b = try real.read(fd, count: count, at: offset)
        lock.lock()
        largestRead = max(largestRead, b.count)
        let name = paths[fd] ?? "?"
        largestReadOf[name] = max(largestReadOf[name] ?? 0, b.count)
        totalRead += b.count
        lock.unlock()
        return b
    }
    func write(_ fd: Int32, _ bytes: [UInt8], at offset: Int) throws { try real.write(fd, bytes, at: offset) }
    func sync(_ fd: Int32) throws { try real.sync(fd) }
    func truncate(_ fd: Int32, to length: Int) throws { try real.truncate(fd, to: length) }
    func size(_ fd: Int32) throws -> Int { try real.size(fd) }
    func rename(_ from: String, _ to: String) throws { try real.rename(from, to) }
    func unlink(_ path: String) throws { try real.unlink(path) }
    func secureDirectory(_ path: String) throws { try real.secureDirectory(path) }
    func syncDirectory(_ path: String) throws { try real.syncDirectory(path) }
    func exists(_ path: String) -> Bool { real.exists(path) }
    func list(_ path: String) throws -> [String] { try real.list(path) }
    func lock(_ fd: Int32, path: String) throws -> LockOutcome { try real.lock(fd, path: path) }
}

/// Sync export streams (issue 11): the store's events are walked chunk by chunk and the bundle
/// is sealed into the output file 64 KiB at a time. These tests hold the streamed bundle to
/// the bytes the in-memory path made of `Session.events()`, and prove the reads are bounded.
@Suite(.serialized) struct StreamedExportTests {
    /// The largest read a snapshot chunk needs: its 20-byte header, or its sealed content
    /// (a 1 MiB target chunk padded to the next bucket, plus the tag).
    static let chunkReadBound = 2 << 20 + Primitives.tagSize

    /// A store whose snapshot spans several chunks, with events in the journal after it.
    static func bigStore(_ tag: String, fs: FileSystem) throws -> (URL, Session, [Event]) {
        let dir = TestSupport.tempDirectory(tag)
        let s = try Session.create(at: dir, user: "gulnara", passphrase: "pass gulnara", point: "almaty-central",
                                   configuration: TestSupport.configuration, kdf: TestSupport.kdf, fileSystem: fs,
                                   derivation: TestSupport.derivation)
        let now = s.context().at
        var added: [Event] = []
        // About 7 MiB of notes over the last 40 weeks: several snapshot chunks.
        for batch in 0..<14 {
            let events = (0..<500).map { i in
                let n = batch * 500 + i
                return TestSupport.contact(s, n: n, note: String(repeating: "note ", count: 200 + n % 40),
                                           at: now - 280 * 86_400 + Timestamp(n) * 3_000)
            }
            try s.save(events)
            added += events
        }
        try s.compact()
        // After the snapshot: late entries (older weeks) and new ones, in the journal.
        let late = (0..<40).map { TestSupport.contact(s, n: 20_000 + $0, at: now - 200 * 86_400 + Timestamp($0) * 9_000) }
        let fresh = (0..<30).map { TestSupport.contact(s, n: 30_000 + $0) }
        try s.save(late)
        try s.save(fresh)
        return (dir, s, added + late + fresh)
    }

    /// The body the in-memory path made: `Session.events()` whole, the same selection rule.
    static func expectedBody(_ s: Session, state: PeerState, mode: ExportMode, bundleID: [UInt8], sequence: UInt64,
                             acknowledged: UInt64, createdAt: Timestamp, recipient: PeerKey) throws -> [UInt8] {
        let all = try s.events()
        let holdings = Holdings(events: all)
        let send = SyncEngine.buckets(toSend: holdings, state: state, mode: mode)
        let events = all.filter { send.contains(Holdings.Bucket($0)) }
        var w = BinaryWriter()
        SyncBundle.encodeBody(BundleContents(bundleID: bundleID, sequence: sequence, acknowledged: acknowledged,
                                             createdAt: createdAt, site: s.point, holdings: holdings, events: events),
                              recipient: recipient, into: &w)
        return w.bytes
    }

    /// Exports through `OutputFile` (as `senim sync export` does) and checks the file's body
    /// byte for byte against the in-memory path; returns the file's bytes.
    static func exportAndCompare(_ sender: Session, _ engine: SyncEngine, to peer: String, mode: ExportMode,
                                 recipient: SyncIdentity, file: URL) throws -> (bytes: [UInt8], summary: ExportSummary) {
        let state = try engine.peerState(peer)
        let summary = try engine.streamExport(to: peer, mode: mode, stream: { contents in
            try OutputFile.write(to: file, storeDirectory: URL(fileURLWithPath: sender.disk.directory), force: false, contents: contents)
        })
        let bytes = try #require(FileManager.default.contents(atPath: file.path).map { Array($0) })
        #expect(bytes.count == summary.byteCount)
        let (plain, _) = try SyncBundle.decrypt(bytes, recipient: recipient, progress: nil)
        let body = Array(plain[130...])
        let r = body.withUnsafeBytes { raw -> (UInt64, UInt64, Int64) in
            var r = BinaryReader(raw)
            r.offset = 48
            return ((try? r.varint()) ?? 0, (try? r.varint()) ?? 0, (try? r.int()) ?? 0)
        }
        let expected = try expectedBody(sender, state: state, mode: mode, bundleID: Array(body[32..<48]), sequence: r.0,
                                        acknowledged: r.1, createdAt: r.2, recipient: recipient.publicKey)
        #expect(r.0 == summary.sequence)
        #expect(body.count == expected.count)
        #expect(body == expected, "the streamed body differs from the in-memory one")
        return (bytes, summary)
    }

    @Test("Streamed export: the same bundle body as the whole-store path, for --all and for a peer that holds part; reads bounded")
    func streamedEqualsWhole() throws {
        let recorder = ReadRecorder()
        let (dir, hub, added) = try Self.bigStore("stream-export", fs: FileSystem(recorder))
        let (peerDir, peer) = try SyncSessionTests.store("stream-export-peer", point: "temirtau", user: "dana")
        let out = TestSupport.tempDirectory("stream-export-out")
        defer { hub.close(); peer.close(); TestSupport.cleanup(dir); TestSupport.cleanup(peerDir); TestSupport.cleanup(out) }
        let eh = SyncEngine(store: hub), ep = SyncEngine(store: peer)
        try eh.trust(name: "temirtau", key: try ep.identityLine())
        try ep.trust(name: "hub", key: try eh.identityLine())
        let peerID = try ep.identity()

        let snapshotSize = try #require(try FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent(Disk.snapshot).path)[.size] as? Int)
        #expect(snapshotSize > 3 * Self.chunkReadBound, "the test needs a snapshot of several chunks (\(snapshotSize) bytes)")
        #expect(hub.journalEnd > Journal.headerSize, "the test needs events in the journal too")

        // What one walk of the store reads (the snapshot's content chunks and the journal).
        recorder.reset()
        try hub.forEachEvent { _ in }
        let onePass = recorder.totalRead
        #expect(onePass > 3 * Self.chunkReadBound)

        // --all
        recorder.reset()
        let first = try Self.exportAndCompare(hub, eh, to: "temirtau", mode: .all, recipient: peerID, file: out.appendingPathComponent("all.bundle"))
        #expect(first.summary.eventCount == added.count + 1)  // and the hub's userAdded
        #expect(recorder.largestReadOf[Disk.snapshot, default: 0] <= Self.chunkReadBound,
                "largest snapshot read \(recorder.largestReadOf[Disk.snapshot, default: 0])")
        #expect(recorder.largestRead <= max(Self.chunkReadBound, hub.journalEnd))
        // Three passes over the snapshot (holdings, hash, seal): it was read chunk by chunk, more than once.
        #expect(recorder.totalRead >= 3 * onePass)
        let s1 = try ep.importBundle(file: out.appendingPathComponent("all.bundle").path)
        #expect(s1.eventsNew == added.count + 1)
        #expect(Set(try peer.events().map(\.id)).isSuperset(of: try hub.events().map(\.id)))

        // The peer answers (the hub learns what it holds), then the hub adds a little more.
        let back = try ep.export(to: "hub", mode: .sinceLast)
        _ = try eh.importBundle(back.bytes)
        let more = (0..<5).map { TestSupport.contact(hub, n: 40_000 + $0) }
        try hub.save(more)
        let second = try Self.exportAndCompare(hub, eh, to: "temirtau", mode: .sinceLast, recipient: peerID,
                                               file: out.appendingPathComponent("since.bundle"))
        // Only this week's bucket of the hub's device travels: far fewer than everything.
        #expect(second.summary.eventCount >= more.count && second.summary.eventCount < added.count / 10)
        let s2 = try ep.importBundle(file: out.appendingPathComponent("since.bundle").path)
        #expect(s2.eventsNew == more.count)
        #expect(LedgerStateDigestMatch.same(hub.ledger, peer.ledger))
    }

    @Test("A streamed export that fails part-way leaves no file, no temporary file, and records nothing")
    func failedStreamLeavesNothing() throws {
        let (dir, hub) = try SyncSessionTests.store("stream-fail", point: "almaty-central", user: "gulnara")
        let (peerDir, peer) = try SyncSessionTests.store("stream-fail-peer", point: "temirtau", user: "dana")
        let out = TestSupport.tempDirectory("stream-fail-out")
        defer { hub.close(); peer.close(); TestSupport.cleanup(dir); TestSupport.cleanup(peerDir); TestSupport.cleanup(out) }
        let eh = SyncEngine(store: hub), ep = SyncEngine(store: peer)
        try eh.trust(name: "temirtau", key: try ep.identityLine())
        try ep.trust(name: "hub", key: try eh.identityLine())
        try hub.save((0..<300).map { TestSupport.contact(hub, n: $0, note: String(repeating: "x", count: 600)) })
        struct Full: Error {}
        let file = out.appendingPathComponent("b.bundle")
        #expect(throws: SyncError.self) {
            _ = try eh.streamExport(to: "temirtau", mode: .all, stream: { contents in
                try OutputFile.write(to: file, storeDirectory: dir, force: false) { sink in
                    try withoutActuallyEscaping(sink) { sink in
                        var n = 0
                        try contents { b in
                            n += 1
                            if n == 3 { throw Full() }   // the disk fills after two pieces
                            try sink(b)
                        }
                    }
                }
            })
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path).isEmpty)
        #expect(try eh.peers().first?.bundlesSent == 0)
        // The next export is number 1, and opens.
        let ok = try eh.export(to: "temirtau", mode: .all)
        #expect(ok.eventCount == 301)
        #expect(try ep.importBundle(ok.bytes).sequence == 1)
        // An output inside the store is refused before anything is read or written.
        #expect(throws: SyncError.self) {
            _ = try eh.streamExport(to: "temirtau", mode: .all, stream: { contents in
                try OutputFile.write(to: dir.appendingPathComponent("x.bundle"), storeDirectory: dir, force: false, contents: contents)
            })
        }
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("x.bundle").path))
    }

    @Test("The payload sealer makes the chunks the whole-plaintext loop made, at every length around a chunk boundary")
    func sealerChunksLikeWhole() throws {
        let key = SymmetricKey(size: .bits256)
        for n in [1, 100, SyncBundle.chunkSize - 1, SyncBundle.chunkSize, SyncBundle.chunkSize + 1, 2 * SyncBundle.chunkSize, 3 * SyncBundle.chunkSize + 7] {
            let plain = (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 31) }
            // Fed in uneven pieces.
            var sealer = SyncBundle.PayloadSealer(key: key)
            var pieces: [[UInt8]] = []
            var i = 0, step = 1
            while i < n { let e = min(n, i + step); try sealer.add(Array(plain[i..<e])) { pieces.append($0) }; i = e; step = step * 3 + 1 }
            try sealer.finish { pieces.append($0) }
            // Each piece opens with its counter; only the last has the final flag.
            var opened: [UInt8] = []
            for (c, p) in pieces.enumerated() {
                let last = c == pieces.count - 1
                let got = try #require(SyncBundle.openChunk(p[...], key: key, counter: UInt64(c), final: last), "n \(n) chunk \(c)")
                #expect(got.count == (last ? n - c * SyncBundle.chunkSize : SyncBundle.chunkSize))
                opened += got
            }
            #expect(opened == plain)
            #expect(pieces.count == max(1, (n + SyncBundle.chunkSize - 1) / SyncBundle.chunkSize))
        }
    }

    /// A store whose events change while an export walks them (`onWalk` runs before each walk).
    final class ShiftingStore: SyncStore {
        let inner: MemorySyncStore
        var walks = 0
        var onWalk: (Int) -> Void = { _ in }
        init(_ inner: MemorySyncStore) { self.inner = inner }
        func events() throws -> [Event] { try inner.events() }
        func forEachEvent(matching: (EventID, Holdings.Bucket) -> Bool, _ body: (Event) throws -> Void) throws {
            onWalk(walks)
            walks += 1
            try inner.forEachEvent(matching: matching, body)
        }
        func importEvents(_ events: [Event]) throws -> (new: Int, known: Int) { try inner.importEvents(events) }
        func localValue(_ key: String) -> [UInt8]? { inner.localValue(key) }
        func setLocalValue(_ key: String, _ value: [UInt8]?) throws { try inner.setLocalValue(key, value) }
        var ledger: LedgerState { inner.ledger }
        var role: Role { inner.role }
        var point: String { inner.point }
        var configuration: Configuration { inner.configuration }
        func hasEvent(_ id: EventID) -> Bool { inner.hasEvent(id) }
        func userEvents() throws -> [Event] { try inner.userEvents() }
    }

    @Test("Events that change between the export's walks refuse the bundle: nothing written, nothing recorded")
    func changedBetweenWalks() throws {
        let events = SyncWorld.generate(seed: 11, count: 400)
        let contact = try #require(events.first { if case .contactLogged = $0.body { true } else { false } })
        var changed = contact
        if case .contactLogged(var c) = contact.body { c.note = "changed meanwhile"; changed.body = .contactLogged(c) }
        let peers = SyncPeers([("a", "almaty-central", events), ("b", "temirtau", [])])
        let shifting = ShiftingStore(peers.store("a"))
        let engine = SyncEngine(store: shifting)
        let cases: [(String, () -> Void)] = [
            ("an event added", { peers.store("a").append([Event(id: EventID(high: 0xABCD, low: 1), at: contact.at, author: contact.author,
                                                                device: contact.device, site: contact.site, body: contact.body)]) }),
            ("an event's content changed, same count", { peers.store("a").append([changed]) }),
        ]
        for (label, change) in cases {
            shifting.walks = 0
            shifting.onWalk = { if $0 == 2 { change() } }   // before the walk that seals
            var written = 0
            #expect(throws: SyncError.self, "\(label)") {
                _ = try engine.streamExport(to: "b", mode: .all, stream: { contents in try contents { written += $0.count } })
            }
            #expect(shifting.walks == 3, "\(label)")
            #expect(try engine.peers().first { $0.name == "b" }?.bundlesSent == 0, "\(label)")
        }
        // Unchanged, the same engine exports and the peer opens it.
        shifting.onWalk = { _ in }
        let ok = try engine.export(to: "b", mode: .all)
        #expect(try peers["b"].importBundle(ok.bytes).sequence == 1)
    }
}
