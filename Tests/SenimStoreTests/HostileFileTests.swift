import Crypto
import Foundation
import SenimCore
import Testing
@testable import SenimStore

/// Every file of a store folder (but the lock) with the SHA-256 of its bytes.
func storeFileHashes(_ dir: URL) -> [String: String] {
    var out: [String: String] = [:]
    for n in (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? [] where n != "lock" {
        let d = FileManager.default.contents(atPath: dir.appendingPathComponent(n).path) ?? Data()
        out[n] = SHA256.hash(data: d).map { String(format: "%02x", $0) }.joined()
    }
    return out
}

/// Output paths (`OutputFile`), bounded reads (`BoundedFile`), backups and the keys file's
/// limits: a path or a file given by a careless user or an attacker never touches the store.
@Suite struct HostileFileTests {

    @Test func outputInsideTheStoreIsRefusedEvenThroughLinksAndWithForce() throws {
        let store = TestSupport.freshStore()
        let other = TestSupport.tempDirectory("out")
        defer { TestSupport.cleanup(store); TestSupport.cleanup(other) }
        let before = storeFileHashes(store)
        // Directly, through a linked folder, and through a link to a store file.
        try FileManager.default.createSymbolicLink(at: other.appendingPathComponent("storelink"), withDestinationURL: store)
        try FileManager.default.createSymbolicLink(at: other.appendingPathComponent("keyslink"),
                                                   withDestinationURL: store.appendingPathComponent("keys"))
        let targets = [store.appendingPathComponent("keys"), store.appendingPathComponent("report.csv"),
                       other.appendingPathComponent("storelink/keys"), other.appendingPathComponent("storelink/new.csv"),
                       other.appendingPathComponent("keyslink")]
        for t in targets {
            for force in [false, true] {
                #expect(throws: StoreError.invalid(Message("store.output.inside", t.standardizedFileURL.path, store.standardizedFileURL.path)), "\(t.path) force \(force)") {
                    try OutputFile.write(Array("x".utf8), to: t, storeDirectory: store, force: force)
                }
            }
        }
        #expect(storeFileHashes(store) == before)
    }

    /// The TUI's exports (`OutputFile.writeNew`): a new name when the file exists, nothing ever
    /// replaced, and the store folder refused (the TUI writes to its working folder, which may
    /// be the store's).
    @Test func tuiExportsTakeANewNameAndNeverWriteInsideTheStore() throws {
        let dir = TestSupport.tempDirectory("out")
        let store = TestSupport.freshStore()
        defer { TestSupport.cleanup(dir); TestSupport.cleanup(store) }
        let first = try OutputFile.writeNew(Array("one".utf8), named: "report-2026.csv", in: dir, storeDirectory: store)
        let second = try OutputFile.writeNew(Array("two".utf8), named: "report-2026.csv", in: dir, storeDirectory: store)
        #expect(first == dir.appendingPathComponent("report-2026.csv").path)
        #expect(second == dir.appendingPathComponent("report-2026-1.csv").path)
        #expect(String(decoding: try Data(contentsOf: URL(fileURLWithPath: first)), as: UTF8.self) == "one")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["report-2026-1.csv", "report-2026.csv"])
        let before = storeFileHashes(store)
        for name in ["report-2026.csv", "keys", "journal"] {
            #expect(throws: StoreError.self) { _ = try OutputFile.writeNew([1], named: name, in: store, storeDirectory: store) }
        }
        #expect(storeFileHashes(store) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: store.path).sorted() == ["journal", "keys", "snapshot"].filter {
            FileManager.default.fileExists(atPath: store.appendingPathComponent($0).path) })
    }

    @Test func existingFilesNeedForceAndWritesLeaveNoTemporaryFile() throws {
        let dir = TestSupport.tempDirectory("out")
        defer { TestSupport.cleanup(dir) }
        let target = dir.appendingPathComponent("report.csv")
        try OutputFile.write(Array("one".utf8), to: target, storeDirectory: nil, force: false)
        #expect(throws: StoreError.invalid(Message("store.output.exists", target.path))) {
            try OutputFile.write(Array("two".utf8), to: target, storeDirectory: nil, force: false)
        }
        #expect(String(decoding: try Data(contentsOf: target), as: UTF8.self) == "one")
        try OutputFile.write(Array("three".utf8), to: target, storeDirectory: nil, force: true)
        #expect(String(decoding: try Data(contentsOf: target), as: UTF8.self) == "three")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["report.csv"])
        // A folder is never an output, even with --force.
        #expect(throws: StoreError.invalid(Message("store.output.directory", dir.path))) {
            try OutputFile.write([1], to: dir, storeDirectory: nil, force: true)
        }
    }

    @Test func backupRefusesExistingFilesAndRemovesStaleTemporaries() throws {
        let store = TestSupport.freshStore()
        let out = TestSupport.tempDirectory("backup")
        defer { TestSupport.cleanup(store); TestSupport.cleanup(out) }
        let file = out.appendingPathComponent("b.senim")
        // A backup killed mid-write left a complete encrypted copy under a temporary name.
        let stale = out.appendingPathComponent("b.senim.tmp-0badc0de")
        try Data(repeating: 7, count: 100).write(to: stale)
        let unrelated = out.appendingPathComponent("b.senim.tmp-notours")
        try Data([1]).write(to: unrelated)
        let s = try TestSupport.open(store)
        defer { s.close() }
        try s.backup(to: file)
        #expect(!FileManager.default.fileExists(atPath: stale.path))
        #expect(FileManager.default.fileExists(atPath: unrelated.path))
        let first = try Data(contentsOf: file)
        #expect(throws: StoreError.invalid(Message("store.output.exists", file.path))) { try s.backup(to: file) }
        #expect(try Data(contentsOf: file) == first)
        try s.backup(to: file, force: true)
        #expect(try Data(contentsOf: file) != first)
        // Through a link into the store folder: refused, even with force.
        try FileManager.default.createSymbolicLink(at: out.appendingPathComponent("s"), withDestinationURL: store)
        let before = storeFileHashes(store)
        #expect(throws: StoreError.invalid(Message("store.backup.inside"))) {
            try s.backup(to: out.appendingPathComponent("s/journal"), force: true)
        }
        #expect(storeFileHashes(store) == before)
    }

    @Test func boundedReadsRefuseEndlessAndHugeInputsQuickly() throws {
        let t0 = Date()
        #expect(throws: BoundedFile.Failure.tooLarge(path: "/dev/zero", limit: 65_538)) {
            _ = try BoundedFile.read("/dev/zero", limit: 65_538)
        }
        // A sparse 1 GiB file is refused from its size, without reading it.
        let dir = TestSupport.tempDirectory("big")
        defer { TestSupport.cleanup(dir) }
        let big = dir.appendingPathComponent("big")
        FileManager.default.createFile(atPath: big.path, contents: nil)
        let h = try FileHandle(forWritingTo: big)
        try h.truncate(atOffset: 1 << 30)
        try h.close()
        #expect(throws: BoundedFile.Failure.tooLarge(path: big.path, limit: 1 << 20)) { _ = try BoundedFile.read(big.path, limit: 1 << 20) }
        #expect(Date().timeIntervalSince(t0) < 1)
        #expect(throws: BoundedFile.Failure.unreadable(path: dir.appendingPathComponent("none").path, errno: ENOENT)) {
            _ = try BoundedFile.read(dir.appendingPathComponent("none").path, limit: 10)
        }
    }

    @Test func aKeysFileWithASlotCountOutOfRangeIsDamageNotTooManyUsers() throws {
        let store = TestSupport.freshStore()
        defer { TestSupport.cleanup(store) }
        var b = [UInt8](try Data(contentsOf: store.appendingPathComponent("keys")))
        for count: UInt32 in [0, 65, 0xFFFF_FFFF] {
            var c = b
            c[12] = UInt8(count & 0xff); c[13] = UInt8(count >> 8 & 0xff); c[14] = UInt8(count >> 16 & 0xff); c[15] = UInt8(count >> 24)
            // Keep the header checksum valid: the count itself is the problem.
            let sum = Primitives.checksum(c[0..<80], 16)
            c.replaceSubrange(80..<96, with: sum)
            let e = storeError { _ = try KeysFile.parse(c) }
            guard case .damaged(let file, let detail) = e else { Issue.record("count \(count): \(String(describing: e))"); continue }
            #expect(file == "keys" && detail.contains("slot count"), "\(detail)")
        }
        // A keys file larger than any store writes is refused from its size.
        b += [UInt8](repeating: 0, count: KeysFile.maxFileSize)
        try Data(b).write(to: store.appendingPathComponent("keys"))
        let e = storeError { _ = try TestSupport.open(store) }
        guard case .damaged(let file, _) = e else { Issue.record("\(String(describing: e))"); return }
        #expect(file == "keys")
    }
}
