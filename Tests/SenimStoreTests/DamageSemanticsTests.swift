import Crypto
import Foundation
import SenimCore
import Testing
@testable import SenimStore

/// Damage is never hidden (issue 13): only a writer drops a genuinely torn tail; a complete
/// frame that fails is damage (74, file and offset); verify says what opening would do; read
/// commands change nothing; salvage keeps every authentic frame and chunk and says what it
/// skipped.
@Suite struct DamageSemanticsTests {

    /// A store on disk with six journal frames of one contact each; returns the folder, the
    /// ids per frame and the journal bytes.
    func store() throws -> (dir: URL, ids: [[EventID]], bytes: [UInt8]) {
        let dir = TestSupport.freshStore()
        let s = try TestSupport.open(dir)
        var ids: [[EventID]] = []
        for i in 0..<6 {
            let e = TestSupport.contact(s, n: i, note: i == 2 ? String(repeating: "долгая запись ", count: 40) : nil)
            try s.save([e])
            ids.append([e.id])
        }
        s.close()
        return (dir, ids, [UInt8](try Data(contentsOf: dir.appendingPathComponent("journal"))))
    }

    func journal(_ dir: URL) -> URL { dir.appendingPathComponent("journal") }
    func write(_ b: [UInt8], _ url: URL) throws { try Data(b).write(to: url) }

    func verify(_ dir: URL) throws -> VerifyReport {
        try Session.verify(at: dir, user: "aigerim", passphrase: "correct horse", configuration: TestSupport.configuration, derivation: TestSupport.derivation)
    }

    func openReadOnly(_ dir: URL) throws -> Session {
        try Session.open(at: dir, user: "aigerim", passphrase: "correct horse", configuration: TestSupport.configuration, readOnly: true, derivation: TestSupport.derivation)
    }

    @Test func aChangedByteInTheLastCompleteFrameIsDamageForReadersWritersAndVerify() throws {
        var (dir, _, bytes) = try store()
        defer { TestSupport.cleanup(dir) }
        let bounds = frameBoundaries(bytes)
        let start = bounds[bounds.count - 2]
        bytes[start + 40] ^= 0x20
        try write(bytes, journal(dir))
        let before = storeFileHashes(dir)
        for readOnly in [true, false] {
            let e = storeError {
                _ = try Session.open(at: dir, user: "aigerim", passphrase: "correct horse", configuration: TestSupport.configuration,
                                     readOnly: readOnly, derivation: TestSupport.derivation)
            }
            guard case .damaged(let file, let detail) = e else { Issue.record("\(String(describing: e))"); continue }
            #expect(file == "journal" && detail.contains("offset \(start)"), "\(detail)")
            #expect(StoreError.damaged(file: file, detail: detail).description.contains("journal"))
        }
        let r = try verify(dir)
        #expect(!r.ok)
        #expect(r.lines.contains { !$0.ok && $0.file == "journal" && $0.text.contains("offset \(start)") }, "\(r)")
        #expect(storeFileHashes(dir) == before)
    }

    @Test func aTornTailIsLeftByReadersReportedByVerifyAndDroppedByTheNextWriter() throws {
        let (dir, ids, bytes) = try store()
        defer { TestSupport.cleanup(dir) }
        let bounds = frameBoundaries(bytes)
        let cut = bounds[bounds.count - 2] + 50
        try write(Array(bytes[0..<cut]), journal(dir))
        let before = storeFileHashes(dir)
        let r = try openReadOnly(dir)
        #expect(r.notices.contains { $0.key == "store.notice.tornTailKept" })
        let seen = Set(try r.events().map(\.id))
        #expect(ids.dropLast().allSatisfy { $0.allSatisfy(seen.contains) } && !seen.contains(ids.last![0]))
        #expect(throws: StoreError.notAllowed(Message("store.readOnly"))) { try r.save([TestSupport.contact(r, n: 99)]) }
        r.close()
        let v = try verify(dir)
        #expect(v.ok, "\(v)")
        #expect(v.lines.contains { $0.file == "journal" && $0.text.contains("offset \(bounds[bounds.count - 2])") })
        #expect(storeFileHashes(dir) == before)
        let w = try TestSupport.open(dir)
        #expect(w.notices.contains { $0.key == "store.notice.tornTail" })
        w.close()
        #expect(try Data(contentsOf: journal(dir)).count == bounds[bounds.count - 2])
    }

    @Test func salvageRecoversEveryAuthenticFrameAroundMissingSwappedAndDamagedFrames() throws {
        let (dir, ids, bytes) = try store()
        defer { TestSupport.cleanup(dir) }
        let b = frameBoundaries(bytes)
        // The six frames saved above are the journal's last six (the template's come first).
        let first = b.count - 1 - 6
        func frame(_ i: Int) -> [UInt8] { Array(bytes[b[first + i]..<b[first + i + 1]]) }
        let header = Array(bytes[0..<b[first]])
        let all = ids.flatMap { $0 }
        let variants: [(String, [UInt8], Set<EventID>)] = [
            // Frame 2 missing: frame 3, right at the failing offset, must not be lost.
            ("missing", header + frame(0) + frame(1) + frame(3) + frame(4) + frame(5), Set(all).subtracting(ids[2])),
            ("swapped", header + frame(0) + frame(1) + frame(3) + frame(2) + frame(4) + frame(5), Set(all)),
            ("damaged", header + frame(0) + frame(1) + frame(2).enumerated().map { $0.offset == 60 ? $0.element ^ 1 : $0.element }
                + frame(3) + frame(4) + frame(5), Set(all).subtracting(ids[2])),
            ("garbage between", header + frame(0) + [UInt8](repeating: 0xAB, count: 333) + frame(1) + frame(2) + frame(3) + frame(4) + frame(5), Set(all)),
            ("last two swapped", header + frame(0) + frame(1) + frame(2) + frame(3) + frame(5) + frame(4), Set(all)),
        ]
        for (what, journalBytes, expected) in variants {
            try write(journalBytes, journal(dir))
            let before = storeFileHashes(dir)
            let v = try verify(dir)
            #expect(!v.ok, "\(what): verify says intact")
            #expect(storeError { _ = try openReadOnly(dir) } != nil, "\(what): opens")
            let out = TestSupport.tempDirectory("salvaged")
            defer { TestSupport.cleanup(out) }
            let report = try Session.salvage(from: dir, to: out, user: "aigerim", passphrase: "correct horse",
                                             configuration: TestSupport.configuration, derivation: TestSupport.derivation)
            #expect(!report.skipped.isEmpty || what == "swapped" || what == "last two swapped", "\(what)")
            if what == "missing" { #expect(report.skipped.contains { $0.contains("frame \(first + 2) missing") }, "\(report)") }
            let s = try TestSupport.open(out)
            let got = Set(try s.events().map(\.id))
            s.close()
            #expect(expected.isSubset(of: got), "\(what): lost \(expected.subtracting(got).count) authentic events\n\(report)")
            #expect(storeFileHashes(dir) == before, "\(what): salvage or verify changed the source")
        }
    }

    @Test func snapshotSalvageFindsSwappedMissingAndDamagedChunks() throws {
        let key = SymmetricKey(size: .bits256)
        let storeID = Primitives.random(16), sid = Primitives.random(16)
        // Three chunks: local values of 700 KB each force one chunk per value.
        let local = ["a": [UInt8](repeating: 1, count: 700_000), "b": [UInt8](repeating: 2, count: 700_000),
                     "c": [UInt8](repeating: 3, count: 700_000)]
        let bytes = Snapshot.build(events: [], local: local, key: key, storeID: storeID, snapshotID: sid)
        var chunks: [Range<Int>] = []
        var off = Snapshot.headerSize
        while off < bytes.count {
            let L = Int(bytes[off]) | Int(bytes[off + 1]) << 8 | Int(bytes[off + 2]) << 16 | Int(bytes[off + 3]) << 24
            chunks.append(off..<(off + Snapshot.chunkHeader + L))
            off += Snapshot.chunkHeader + L
        }
        #expect(chunks.count == 3)
        func c(_ i: Int) -> [UInt8] { Array(bytes[chunks[i]]) }
        let head = Array(bytes[0..<Snapshot.headerSize])
        func keys(_ r: Snapshot.Read) -> Set<String> {
            Set(r.records.flatMap { $0 }.compactMap { if case .setLocal(let k, _) = $0 { k } else { nil } })
        }
        let swapped = head + c(2) + c(0) + c(1)
        let rs = try Snapshot.read(swapped, key: key, storeID: storeID, salvage: true)
        #expect(keys(rs) == ["a", "b", "c"])
        #expect(throws: StoreError.self) { _ = try Snapshot.read(swapped, key: key, storeID: storeID) }
        let missing = head + c(0) + c(2)
        let rm = try Snapshot.read(missing, key: key, storeID: storeID, salvage: true)
        #expect(keys(rm) == ["a", "c"] || keys(rm).count == 2)
        #expect(rm.damaged.map(\.index) == [1])
        var damaged = c(1); damaged[100] ^= 4
        let rd = try Snapshot.read(head + c(0) + damaged + c(2), key: key, storeID: storeID, salvage: true)
        #expect(keys(rd).count == 2 && rd.damaged.map(\.index) == [1] && !rd.skippedRegions.isEmpty)
        // A byte after the last chunk: opening refuses, so verify must not say intact.
        #expect(throws: StoreError.self) { _ = try Snapshot.read(bytes + [0], key: key, storeID: storeID) }
    }

    @Test func verifyIsNotIntactWhereOpenRefuses() throws {
        let (dir, _, _) = try store()
        defer { TestSupport.cleanup(dir) }
        let s = try TestSupport.open(dir)
        try s.compact()
        let older = try Data(contentsOf: dir.appendingPathComponent("snapshot"))
        try s.save([TestSupport.contact(s, n: 40)])
        try s.compact()
        s.close()
        let current = try Data(contentsOf: dir.appendingPathComponent("snapshot"))
        // An older snapshot put back; then a trailing byte after the last chunk.
        for (what, snap) in [("older snapshot", older), ("trailing byte", current + Data([0]))] {
            try snap.write(to: dir.appendingPathComponent("snapshot"))
            #expect(storeError { _ = try openReadOnly(dir) } != nil, "\(what): opens")
            let v = try verify(dir)
            #expect(!v.ok, "\(what): verify says intact\n\(v)")
        }
    }

    /// The read-only property: every read command on every damaged store leaves every file
    /// byte-identical, whether it succeeds or refuses.
    @Test func readCommandsNeverModifyADamagedStore() throws {
        let (dir, _, bytes) = try store()
        defer { TestSupport.cleanup(dir) }
        let b = frameBoundaries(bytes)
        let pristine = storeFileHashes(dir)
        _ = pristine
        var flipped = bytes; flipped[b[b.count - 2] + 33] ^= 0x80
        let damages: [(String, () throws -> Void)] = [
            ("torn tail", { try self.write(Array(bytes[0..<(b[b.count - 2] + 7)]), self.journal(dir)) }),
            ("torn tail, zeros", { try self.write(Array(bytes[0..<b[b.count - 2]]) + [UInt8](repeating: 0, count: 700), self.journal(dir)) }),
            ("flipped last frame", { try self.write(flipped, self.journal(dir)) }),
            ("missing middle frame", { try self.write(Array(bytes[0..<b[2]]) + Array(bytes[b[3]...]), self.journal(dir)) }),
            ("leftover journal.new", {
                try self.write(bytes, self.journal(dir))
                try self.write(Array(bytes[0..<b[1]]), dir.appendingPathComponent("journal.new"))
            }),
        ]
        for (what, damage) in damages {
            try damage()
            let before = storeFileHashes(dir)
            let reads: [(String, () throws -> Void)] = [
                ("open read-only", { let s = try self.openReadOnly(dir); _ = try s.events(); _ = s.ledger.contacts.count; s.close() }),
                ("verify", { _ = try self.verify(dir) }),
                ("salvage", {
                    let out = TestSupport.tempDirectory("salv")
                    defer { TestSupport.cleanup(out) }
                    _ = try Session.salvage(from: dir, to: out, user: "aigerim", passphrase: "correct horse",
                                            configuration: TestSupport.configuration, derivation: TestSupport.derivation)
                }),
            ]
            for (name, read) in reads {
                _ = try? read()
                #expect(storeFileHashes(dir) == before, "\(what) / \(name) changed the store")
            }
            for arguments in CLIRead.readCommands {
                let r = try CLIRead.run(arguments, store: dir)
                #expect(r.status != 70 && r.status < 128, "\(what) / \(arguments): \(r.status)")
                #expect(storeFileHashes(dir) == before, "\(what) / senim \(arguments.joined(separator: " ")) changed the store")
            }
            try? FileManager.default.removeItem(at: dir.appendingPathComponent("journal.new"))
        }
    }
}

/// Runs the built `senim` binary's read commands against a store (the read-only property
/// and renderer fuzzing need the real commands, not only the store API).
enum CLIRead {
    static let binary = TestSupport.packageRoot.appendingPathComponent(".build/debug/senim")

    static let commands: [[String]] = [
        ["contact", "list"], ["contact", "list", "--json"], ["client", "list"], ["client", "list", "--json"],
        ["client", "find", "AB"], ["client", "show", "ABCD160"], ["client", "show", "ABCD160", "--json"],
        ["referral", "list"], ["referral", "list", "--json"], ["stock", "show"], ["stock", "show", "--json"],
        ["user", "list"], ["user", "list", "--json"], ["sync", "peers"],
        ["report", "--period", "2026"], ["report", "--period", "2026", "--format", "csv"], ["report", "--period", "2026", "--json"],
        ["report", "--period", "2000-01-01..2099-12-31", "--by", "worker"], ["report", "--period", "2026", "--format", "dhis2-json"],
        ["report", "--period", "2026", "--line-list", "--no-suppress"], ["verify"], ["verify", "--json"],
    ]

    /// One of each kind of read command (the renderer fuzz runs them all).
    static let readCommands: [[String]] = [
        ["contact", "list"], ["client", "list", "--json"], ["client", "show", "ABCD160"], ["referral", "list"],
        ["stock", "show"], ["user", "list"], ["sync", "peers"], ["report", "--period", "2026"], ["verify"],
    ]

    struct Result { var status: Int32; var out: String; var err: String }

    static func run(_ args: [String], store: URL) throws -> Result {
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw CLIError("\(binary.path) is missing: run `swift build` first")
        }
        let dir = TestSupport.tempDirectory("cli")
        defer { TestSupport.cleanup(dir) }
        let pass = dir.appendingPathComponent("pass")
        try Data("correct horse\n".utf8).write(to: pass)
        let p = Process()
        p.executableURL = binary
        p.arguments = args + ["--store", store.path, "--user", "aigerim", "--passphrase-file", pass.path]
        var env = ProcessInfo.processInfo.environment
        env["SENIM_CONFIG"] = TestSupport.configDirectory.path
        env["LANG"] = "C.UTF-8"
        env["TZ"] = "Asia/Almaty"
        p.environment = env
        let out = dir.appendingPathComponent("out"), err = dir.appendingPathComponent("err")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        FileManager.default.createFile(atPath: err.path, contents: nil)
        p.standardOutput = try FileHandle(forWritingTo: out)
        p.standardError = try FileHandle(forWritingTo: err)
        p.standardInput = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        let status = p.terminationReason == .uncaughtSignal ? 128 + p.terminationStatus : p.terminationStatus
        return Result(status: status, out: String(decoding: (try? Data(contentsOf: out)) ?? Data(), as: UTF8.self),
                      err: String(decoding: (try? Data(contentsOf: err)) ?? Data(), as: UTF8.self))
    }

    struct CLIError: Error, CustomStringConvertible {
        var description: String
        init(_ d: String) { description = d }
    }
}
