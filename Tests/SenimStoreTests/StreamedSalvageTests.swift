import Crypto
import Foundation
import SenimCore
import Testing
@testable import SenimStore

/// Salvage reads damaged files through a bounded window (issue 11). These tests hold the
/// windowed scans to the whole-file scans — the same chunks, frames, gaps and report — with
/// damage placed inside chunks, across window boundaries and at random, and prove that no
/// single read is larger than the window or one chunk.
@Suite(.serialized) struct StreamedSalvageTests {
    struct Fixture {
        var dir: URL
        var snapshotKey: SymmetricKey
        var journalKey: SymmetricKey
        var storeID: [UInt8]
        var journalID: [UInt8]
        var events: Int
    }

    /// A closed store with a snapshot of several chunks and a journal of many frames.
    static func fixture(_ tag: String, batches: Int = 12, frames: Int = 40) throws -> Fixture {
        let dir = TestSupport.tempDirectory(tag)
        let s = try TestSupport.create(dir)
        let now = s.context().at
        for batch in 0..<batches {
            try s.save((0..<500).map { i in
                let n = batch * 500 + i
                return TestSupport.contact(s, n: n, note: String(repeating: "note ", count: 200 + n % 40),
                                           at: now - 280 * 86_400 + Timestamp(n) * 3_000)
            })
        }
        try s.compact()
        for f in 0..<frames {
            try s.save((0..<3).map { TestSupport.contact(s, n: 50_000 + f * 3 + $0, note: String(repeating: "j", count: 100 + f * 7)) })
        }
        let fx = Fixture(dir: dir, snapshotKey: s.keys.snapshot, journalKey: s.keys.journal, storeID: s.storeID,
                         journalID: s.manifest.journalID, events: s.eventCount)
        s.close()
        return fx
    }

    static func file(_ fx: Fixture, _ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: fx.dir.appendingPathComponent(name)))
    }

    static func put(_ fx: Fixture, _ name: String, _ b: [UInt8]) throws {
        try Data(b).write(to: fx.dir.appendingPathComponent(name))
    }

    /// The windowed scans of the store's two files equal the whole-file scans.
    static func expectScansEqual(_ fx: Fixture, window: Int, _ label: String) throws {
        let disk = Disk(.real, fx.dir)
        let snap = try file(fx, Disk.snapshot)
        let whole = Result(catching: { () throws(StoreError) in try Snapshot.read(snap, key: fx.snapshotKey, storeID: fx.storeID, salvage: true) })
        let fw = try #require(try FileWindow(disk, Disk.snapshot, window: window))
        let windowed = Result(catching: { () throws(StoreError) in try Snapshot.salvage(fw, key: fx.snapshotKey, storeID: fx.storeID) })
        switch (whole, windowed) {
        case (.success(let a), .success(let b)):
            #expect(a.records == b.records, "\(label): snapshot records")
            #expect(a.damaged.map { "\($0.index) \($0.reason)" } == b.damaged.map { "\($0.index) \($0.reason)" }, "\(label)")
            #expect(a.skippedRegions.map { "\($0.offset) \($0.bytes) \($0.reason)" } == b.skippedRegions.map { "\($0.offset) \($0.bytes) \($0.reason)" }, "\(label)")
        case (.failure(let a), .failure(let b)):
            #expect("\(a)" == "\(b)", "\(label)")
        default:
            Issue.record("\(label): whole \(whole), windowed \(windowed)")
        }
        let jb = try file(fx, Disk.journal)
        let ja = Journal.scan(jb, key: fx.journalKey, storeID: fx.storeID, journalID: fx.journalID, salvage: true)
        let jw = Journal.scan(try #require(try FileWindow(disk, Disk.journal, window: window)), key: fx.journalKey,
                              storeID: fx.storeID, journalID: fx.journalID, salvage: true)
        func frames(_ s: Journal.Scan) -> [String] { (s.frames + s.salvagedAfterDamage).map { "\($0.seq) \($0.offset) \($0.length)" } }
        #expect(frames(ja) == frames(jw), "\(label): journal frames")
        #expect((ja.frames + ja.salvagedAfterDamage).map(\.records) == (jw.frames + jw.salvagedAfterDamage).map(\.records), "\(label)")
        #expect(ja.tail == jw.tail && ja.goodEnd == jw.goodEnd, "\(label): journal tail")
        #expect(ja.skippedRegions.map { "\($0.offset) \($0.bytes) \($0.reason)" } == jw.skippedRegions.map { "\($0.offset) \($0.bytes) \($0.reason)" }, "\(label)")
    }

    /// Salvage with a small window and with one larger than every file (the whole-file read)
    /// give the same report and stores holding the same events.
    static func expectSalvageEqual(_ fx: Fixture, window: Int, _ label: String, recorder: ReadRecorder? = nil) throws -> SalvageReport {
        let outWhole = TestSupport.tempDirectory("salvage-whole"), outWindowed = TestSupport.tempDirectory("salvage-windowed")
        try? FileManager.default.removeItem(at: outWhole)
        try? FileManager.default.removeItem(at: outWindowed)
        defer { TestSupport.cleanup(outWhole); TestSupport.cleanup(outWindowed) }
        let a = try Session.salvage(from: fx.dir, to: outWhole, user: "aigerim", passphrase: "correct horse",
                                    configuration: TestSupport.configuration, fileSystem: .real, derivation: TestSupport.derivation,
                                    window: 1 << 30)
        recorder?.reset()
        let b = try Session.salvage(from: fx.dir, to: outWindowed, user: "aigerim", passphrase: "correct horse",
                                    configuration: TestSupport.configuration, fileSystem: recorder.map { FileSystem($0) } ?? .real,
                                    derivation: TestSupport.derivation, window: window)
        #expect(a.events == b.events && a.users == b.users, "\(label)")
        #expect(a.skipped == b.skipped, "\(label): skipped lines")
        let sa = try TestSupport.open(outWhole), sb = try TestSupport.open(outWindowed)
        defer { sa.close(); sb.close() }
        #expect(try sa.events().map(\.id).sorted() == sb.events().map(\.id).sorted(), "\(label)")
        #expect(LedgerStateDigestMatch.same(sa.ledger, sb.ledger), "\(label)")
        return b
    }

    @Test("Windowed salvage equals the whole-file scan: flipped bytes in a chunk, damage across a window boundary, a truncated file")
    func windowedEqualsWhole() throws {
        let fx = try Self.fixture("salvage-window")
        defer { TestSupport.cleanup(fx.dir) }
        let snap = try Self.file(fx, Disk.snapshot), journal = try Self.file(fx, Disk.journal)
        let window = 64 << 10

        // Flipped bytes inside the second chunk of the snapshot and inside a journal frame.
        var s1 = snap, j1 = journal
        let secondChunk = Snapshot.headerSize + Snapshot.chunkHeader + Int(s1.u32(Snapshot.headerSize)) + 5_000
        s1[secondChunk] ^= 0x40
        j1[journal.count / 2] ^= 0x01
        try Self.put(fx, Disk.snapshot, s1); try Self.put(fx, Disk.journal, j1)
        try Self.expectScansEqual(fx, window: window, "flipped")
        let r1 = try Self.expectSalvageEqual(fx, window: window, "flipped")
        #expect(r1.events < fx.events && r1.events > fx.events / 2)
        #expect(r1.skipped.contains { $0.contains("chunk 1") }, "\(r1.skipped)")

        // Damage straddling window boundaries: zeroed bytes over 64 KiB offsets, in both files.
        var s2 = snap, j2 = journal
        for b in stride(from: window, to: s2.count, by: 5 * window) { for k in (b - 40)..<min(s2.count, b + 40) { s2[k] = 0 } }
        for b in stride(from: window, to: j2.count, by: window) { for k in (b - 10)..<min(j2.count, b + 30) { j2[k] ^= 0xA5 } }
        try Self.put(fx, Disk.snapshot, s2); try Self.put(fx, Disk.journal, j2)
        try Self.expectScansEqual(fx, window: window, "straddling")
        try Self.expectScansEqual(fx, window: 4_096, "straddling, 4 KiB window")
        _ = try Self.expectSalvageEqual(fx, window: window, "straddling")

        // Truncated files: the snapshot inside its last chunk, the journal inside a frame.
        try Self.put(fx, Disk.snapshot, Array(snap[0..<(snap.count - 1_000)]))
        try Self.put(fx, Disk.journal, Array(journal[0..<(journal.count - 100)]))
        try Self.expectScansEqual(fx, window: window, "truncated")
        _ = try Self.expectSalvageEqual(fx, window: window, "truncated")
    }

    @Test("Salvage reads a damaged store through a bounded window: no read larger than the window or one chunk")
    func boundedReads() throws {
        let fx = try Self.fixture("salvage-bounded")
        defer { TestSupport.cleanup(fx.dir) }
        var snap = try Self.file(fx, Disk.snapshot), journal = try Self.file(fx, Disk.journal)
        snap[snap.count / 3] ^= 0xFF
        journal[journal.count / 3] ^= 0xFF
        try Self.put(fx, Disk.snapshot, snap); try Self.put(fx, Disk.journal, journal)
        // The largest sealed chunk: the bound a chunk read cannot go under.
        var largestChunk = 0, off = Snapshot.headerSize
        while off + Snapshot.chunkHeader <= snap.count {
            let L = Int(snap.u32(off))
            guard Buckets.isBucket(L - Primitives.tagSize) else { break }
            largestChunk = max(largestChunk, L)
            off += Snapshot.chunkHeader + L
        }
        let window = 16 << 10
        #expect(snap.count > 3 * max(window, largestChunk), "the test needs a snapshot larger than a few windows")
        #expect(journal.count > 3 * window, "the test needs a journal larger than a few windows (\(journal.count))")
        let recorder = ReadRecorder()
        _ = try Self.expectSalvageEqual(fx, window: window, "bounded", recorder: recorder)
        #expect(recorder.largestReadOf[Disk.snapshot, default: 0] <= max(window, largestChunk),
                "largest snapshot read \(recorder.largestReadOf[Disk.snapshot, default: 0])")
        #expect(recorder.largestReadOf[Disk.journal, default: 0] <= window,
                "largest journal read \(recorder.largestReadOf[Disk.journal, default: 0])")
        #expect(recorder.totalRead >= snap.count)
    }

    @Test("Windowed scans over random damage never trap and equal the whole-file scans", arguments: 0..<6)
    func randomDamage(seed: Int) throws {
        let fx = try Self.fixture("salvage-fuzz-\(seed)", batches: 2, frames: 12)
        defer { TestSupport.cleanup(fx.dir) }
        let snap = try Self.file(fx, Disk.snapshot), journal = try Self.file(fx, Disk.journal)
        var g = SalvageRandom(UInt64(seed) &* 0x9E37_79B9 &+ 17)
        for round in 0..<4 {
            func damage(_ b: [UInt8]) -> [UInt8] {
                var b = b
                for _ in 0..<Int(g.next() % 6) {
                    guard b.count > 1 else { break }
                    let at = Int(g.next() % UInt64(b.count))
                    switch g.next() % 5 {
                    case 0: b[at] ^= UInt8(truncatingIfNeeded: g.next() | 1)
                    case 1: for k in at..<min(b.count, at + Int(g.next() % 3_000)) { b[k] = 0 }
                    case 2: b = Array(b[0..<at])
                    case 3: b.insert(contentsOf: (0..<Int(g.next() % 200)).map { _ in UInt8(truncatingIfNeeded: g.next()) }, at: at)
                    default: b.removeSubrange(at..<min(b.count, at + Int(g.next() % 500)))
                    }
                }
                return b
            }
            try Self.put(fx, Disk.snapshot, damage(snap))
            try Self.put(fx, Disk.journal, damage(journal))
            let window = 64 + Int(g.next() % 8_192)
            try Self.expectScansEqual(fx, window: window, "seed \(seed) round \(round) window \(window)")
        }
        _ = try Self.expectSalvageEqual(fx, window: 1_000, "seed \(seed)")
    }
}

struct SalvageRandom {
    var state: UInt64
    init(_ seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
