import Crypto
import Foundation
import SenimCore
import Testing
@testable import SenimStore

/// `Session.verify()` — the open session's form of `Session.verify(at:)` that the TUI's Store
/// screen uses: the same findings, under the lock the session holds, and it changes nothing.
@Suite struct OpenSessionVerifyTests {
    func storeWithContacts(_ n: Int) throws -> URL {
        let dir = TestSupport.freshStore()
        let s = try TestSupport.open(dir)
        for i in 0..<n { try s.save([TestSupport.contact(s, n: i)]) }
        s.close()
        return dir
    }

    func digests(_ dir: URL) throws -> [String: [UInt8]] {
        var out: [String: [UInt8]] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: dir.path) {
            out[name] = Array(SHA256.hash(data: try Data(contentsOf: dir.appendingPathComponent(name))))
        }
        return out
    }

    @Test func findsWhatTheStaticVerifyFindsAndWritesNothing() throws {
        let dir = try storeWithContacts(5)
        defer { TestSupport.cleanup(dir) }
        let s = try TestSupport.open(dir)
        let before = try digests(dir)
        let mine = try s.verify()
        #expect(try digests(dir) == before)
        s.close()
        let theirs = try Session.verify(at: dir, user: "aigerim", passphrase: "correct horse",
                                        configuration: TestSupport.configuration, derivation: TestSupport.derivation)
        #expect(mine.ok && theirs.ok)
        #expect(mine.eventCount == theirs.eventCount && mine.eventCount >= 5)
        #expect(mine.lines.map(\.description) == theirs.lines.map(\.description))
    }

    @Test func reportsDamageMadeUnderAnOpenSession() throws {
        let dir = try storeWithContacts(4)
        defer { TestSupport.cleanup(dir) }
        let s = try TestSupport.open(dir)
        defer { s.close() }
        // A byte inside the last complete frame changes on disk after the session loaded it.
        let url = dir.appendingPathComponent("journal")
        var bytes = [UInt8](try Data(contentsOf: url))
        bytes[bytes.count - 20] ^= 0x01
        try Data(bytes).write(to: url)
        let r = try s.verify()
        #expect(!r.ok)
        #expect(r.lines.contains { $0.file == "journal" && !$0.ok && $0.text.contains("opening refuses") })
        // Reading changed nothing: the damage is still there for salvage.
        #expect([UInt8](try Data(contentsOf: url)) == bytes)
    }

    @Test func aKeysFileFromAnotherStoreIsReported() throws {
        let dir = try storeWithContacts(1), other = TestSupport.tempDirectory("other")
        defer { TestSupport.cleanup(dir); TestSupport.cleanup(other) }
        try TestSupport.create(other).close()
        let s = try TestSupport.open(dir)
        defer { s.close() }
        try Data(contentsOf: other.appendingPathComponent("keys")).write(to: dir.appendingPathComponent("keys"))
        let r = try s.verify()
        #expect(!r.ok && r.lines.contains { $0.file == "keys" && !$0.ok })
    }
}
