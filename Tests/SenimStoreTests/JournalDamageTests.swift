import Foundation
import SenimCore
import Testing
@testable import SenimStore

/// Frame boundaries of a journal, read from the frame headers (no key needed).
func frameBoundaries(_ b: [UInt8]) -> [Int] {
    var out = [Journal.headerSize]
    var off = Journal.headerSize
    while off + Journal.frameHeader <= b.count {
        let L = Int(b[off]) | Int(b[off + 1]) << 8 | Int(b[off + 2]) << 16 | Int(b[off + 3]) << 24
        off += Journal.frameHeader + L
        guard off <= b.count else { break }
        out.append(off)
    }
    return out
}

@Suite struct JournalDamageTests {

    let journal = TestSupport.memoryPath.path + "/journal"

    /// A store with a few frames; the last three of different sizes. Returns the ids saved
    /// per frame (in order) and the journal bytes.
    func prepare(_ fs: MemoryFileSystem) throws -> (ids: [[EventID]], bytes: [UInt8], before: Set<EventID>) {
        let s = try TestSupport.open(TestSupport.memoryPath, fs: FileSystem(fs))
        let before = Set(try s.events().map(\.id))
        var ids: [[EventID]] = []
        for (i, note) in [String(repeating: "long note ", count: 60), nil, nil, "short"].enumerated() {
            let batch = i == 2 ? [TestSupport.contact(s, n: 10), TestSupport.contact(s, n: 11)] : [TestSupport.contact(s, n: i, note: note)]
            try s.save(batch)
            ids.append(batch.map(\.id))
        }
        s.close()
        return (ids, fs.bytes(journal)!, before)
    }

    /// Test 1: truncating the journal at every byte offset inside the last three frames
    /// reopens to the last whole frame (with a notice), and the next append works.
    @Test func truncationAtEveryOffsetOfTheLastThreeFrames() throws {
        let base = TestSupport.memoryStore()
        let (ids, bytes, before) = try prepare(base)
        let bounds = frameBoundaries(bytes)
        #expect(bounds.last == bytes.count)
        let firstOfLastThree = bounds[bounds.count - 4]
        var checked = 0
        for cut in firstOfLastThree..<bytes.count {
            let fs = base.cloneDurable()
            fs.setBytes(journal, Array(bytes[0..<cut]))
            let s = try TestSupport.open(TestSupport.memoryPath, fs: FileSystem(fs))
            let whole = bounds.filter { $0 <= cut }.count - 1   // frames fully present
            let expectedFrames = whole - (bounds.count - 1 - ids.count)
            var expected = before
            for f in ids.prefix(expectedFrames) { expected.formUnion(f) }
            let got = Set(try s.events().map(\.id))
            #expect(got == expected, "cut at \(cut)")
            let atBoundary = bounds.contains(cut)
            #expect(s.notices.contains { $0.key == "store.notice.tornTail" } == !atBoundary, "cut at \(cut)")
            #expect(fs.bytes(journal)!.count == bounds.filter { $0 <= cut }.last!, "journal cut back to the last whole frame")
            let next = TestSupport.contact(s, n: 99)
            try s.save([next])
            s.close()
            let t = try TestSupport.open(TestSupport.memoryPath, fs: FileSystem(fs))
            #expect(Set(try t.events().map(\.id)) == expected.union([next.id]), "cut at \(cut)")
            #expect(t.notices.isEmpty)
            t.close()
            checked += 1
        }
        #expect(checked == bytes.count - firstOfLastThree)
        print("truncation: \(checked) offsets checked")
    }

    /// The same on the real file system, for every 11th offset.
    @Test func truncationOnRealFiles() throws {
        let dir = TestSupport.freshStore()
        defer { TestSupport.cleanup(dir) }
        let s = try TestSupport.open(dir)
        let a = TestSupport.contact(s, n: 1), b = TestSupport.contact(s, n: 2, note: String(repeating: "x", count: 300))
        try s.save([a])
        try s.save([b])
        s.close()
        let path = dir.appendingPathComponent("journal")
        let bytes = Array(try Data(contentsOf: path))
        let bounds = frameBoundaries(bytes)
        for cut in stride(from: bounds[bounds.count - 3], to: bytes.count, by: 11) {
            try Data(bytes[0..<cut]).write(to: path)
            let t = try TestSupport.open(dir)
            let ids = Set(try t.events().map(\.id))
            #expect(ids.contains(a.id) == (cut >= bounds[bounds.count - 2]))
            #expect(!ids.contains(b.id))
            try t.save([TestSupport.contact(t, n: 3)])
            t.close()
            let size = (try FileManager.default.attributesOfItem(atPath: path.path)[.size] as! Int)
            #expect(size > (cut >= bounds[bounds.count - 2] ? bounds[bounds.count - 2] : bounds[bounds.count - 3]))
        }
    }

    /// Test 2a: every bit of the last frame. The last frame is complete, so a changed bit is
    /// damage, never an interrupted write: the journal reader (the code `open` runs) keeps
    /// every earlier frame and reports damage at the frame's offset; a full reopen (one bit of
    /// every byte) refuses with exit-74 damage naming the offset and changes nothing.
    @Test func everyBitOfTheLastFrame() throws {
        let base = TestSupport.memoryStore()
        let (ids, bytes, before) = try prepare(base)
        let bounds = frameBoundaries(bytes)
        let start = bounds[bounds.count - 2]
        let probe = try TestSupport.open(TestSupport.memoryPath, fs: FileSystem(base.cloneDurable()))
        let key = probe.keys.journal, storeID = probe.storeID, jid = probe.manifest.journalID
        probe.close()
        var expected = before
        for f in ids.dropLast() { expected.formUnion(f) }
        var flips = 0, reopened = 0
        for bit in (start * 8)..<(bytes.count * 8) {
            var b = bytes
            b[bit / 8] ^= 1 << UInt8(bit % 8)
            let scan = Journal.scan(b, key: key, storeID: storeID, journalID: jid)
            #expect(scan.frames.count == bounds.count - 2, "bit \(bit)")
            guard case .damagedTail(let off, _, _) = scan.tail, off == start else {
                Issue.record("bit \(bit): \(scan.tail)")
                continue
            }
            flips += 1
            if bit % 8 == (bit / 8) % 8 {
                let fs = base.cloneDurable()
                fs.setBytes(journal, b)
                let e = storeError { _ = try TestSupport.open(TestSupport.memoryPath, fs: FileSystem(fs)) }
                guard case .damaged(let file, let detail) = e else { Issue.record("bit \(bit): \(String(describing: e))"); continue }
                #expect(file == "journal" && detail.contains("offset \(start)"), "bit \(bit): \(detail)")
                #expect(fs.bytes(journal) == b, "bit \(bit): the journal was changed")
                reopened += 1
            }
        }
        _ = expected
        #expect(flips == (bytes.count - start) * 8)
        print("last frame: \(flips) bit flips detected, \(reopened) full reopens")
    }

    /// Damage in the middle is a loud, specific error, never skipped.
    @Test func damageInTheMiddleIsAnError() throws {
        let base = TestSupport.memoryStore()
        let (_, bytes, _) = try prepare(base)
        let bounds = frameBoundaries(bytes)
        let start = bounds[bounds.count - 3], end = bounds[bounds.count - 2]
        for bit in stride(from: start * 8, to: end * 8, by: 5) {
            var b = bytes
            b[bit / 8] ^= 1 << UInt8(bit % 8)
            let fs = base.cloneDurable()
            fs.setBytes(journal, b)
            let e = storeError { _ = try TestSupport.open(TestSupport.memoryPath, fs: FileSystem(fs)) }
            guard case .damaged(let file, let detail) = e else {
                Issue.record("bit \(bit) in a middle frame: \(String(describing: e))")
                continue
            }
            #expect(file == "journal")
            #expect(detail.contains("offset \(start)"), "\(detail)")
        }
    }

    /// Test 2b: every bit of the journal header is caught by the header check (the code
    /// `open` runs); a full reopen refuses one bit of every byte.
    @Test func everyBitOfTheJournalHeader() throws {
        let base = TestSupport.memoryStore()
        let (_, bytes, _) = try prepare(base)
        let storeID = Array(base.bytes(TestSupport.memoryPath.path + "/keys")![16..<32])
        for bit in 0..<(Journal.headerSize * 8) {
            var b = bytes
            b[bit / 8] ^= 1 << UInt8(bit % 8)
            #expect(throws: StoreError.self, "bit \(bit)") { _ = try Journal.parseHeader(b, storeID: storeID) }
            if bit % 8 == (bit / 8) % 8 {
                let fs = base.cloneDurable()
                fs.setBytes(journal, b)
                #expect(throws: StoreError.self, "bit \(bit)") { _ = try TestSupport.open(TestSupport.memoryPath, fs: FileSystem(fs)) }
            }
        }
    }

    /// Frames spliced in from another position, replayed, or taken from another store's
    /// journal do not authenticate.
    @Test func splicedReorderedReplayedAndForeignFrames() throws {
        let base = TestSupport.memoryStore()
        let (_, bytes, _) = try prepare(base)
        let bounds = frameBoundaries(bytes)
        let n = bounds.count - 1
        func frame(_ i: Int) -> [UInt8] { Array(bytes[bounds[i]..<bounds[i + 1]]) }
        func attempt(_ b: [UInt8]) throws -> Session? {
            let fs = base.cloneDurable()
            fs.setBytes(journal, b)
            return try TestSupport.open(TestSupport.memoryPath, fs: FileSystem(fs))
        }
        // Swap the last two frames: the first swapped one fails, and a good frame follows → damage.
        let swapped = Array(bytes[0..<bounds[n - 2]]) + frame(n - 1) + frame(n - 2)
        #expect(throws: StoreError.self) { _ = try attempt(swapped) }
        // Replay the last frame at the end: complete, so damage (never applied twice, never dropped).
        let replayed = bytes + frame(n - 1)
        #expect(throws: StoreError.self) { _ = try attempt(replayed) }
        let s = try #require(try attempt(bytes))
        // A frame from another store (its own ids and keys) appended at the end.
        let other = MemoryFileSystem()
        let o = try TestSupport.create(TestSupport.memoryPath, fs: FileSystem(other))
        try o.save([TestSupport.contact(o, n: 1)])
        o.close()
        let otherBytes = other.bytes(journal)!
        let ob = frameBoundaries(otherBytes)
        let foreign = bytes + Array(otherBytes[ob[ob.count - 2]...])
        #expect(throws: StoreError.self) { _ = try attempt(foreign) }
        s.close()
        // And in the middle: an error.
        let foreignMiddle = Array(bytes[0..<bounds[n - 1]]) + Array(otherBytes[ob[ob.count - 2]...]) + frame(n - 1)
        #expect(throws: StoreError.self) { _ = try attempt(foreignMiddle) }
    }
}
