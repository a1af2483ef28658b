import Foundation
import Testing

/// Issue 13 through the real binary: output paths, bounded passphrase files, argument floods,
/// sync untrust, the --at range, terminal escaping.
@Suite struct CLIHostileTests {
    func files(_ dir: URL) -> [String: Data] {
        var out: [String: Data] = [:]
        for n in (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? [] where n != "lock" {
            out[n] = FileManager.default.contents(atPath: dir.appendingPathComponent(n).path)
        }
        return out
    }

    @Test func outputsNeverTouchTheStore() throws {
        let s = try TestStore()
        let before = files(s.dir)
        for target in ["keys", "journal", "report.csv"] {
            for force in [[], ["--force"]] {
                let r = try s.run(["report", "--period", "2026", "--output", s.dir.appendingPathComponent(target).path] + force)
                #expect(r.status == 65, "\(target) \(force): \(r)")
                let e = try s.run(["sync", "export", "--to", "x", "--out", s.dir.appendingPathComponent(target).path] + force)
                #expect(e.status == 65, "\(target) \(force): \(e)")
                let b = try s.run(["backup", s.dir.appendingPathComponent(target).path] + force)
                #expect(b.status == 65, "\(target) \(force): \(b)")
            }
            // The notes share file too (it has no --force: it never replaces anything).
            let n = try s.run(["notes", "share", "--to", "senimnotes1:x", "--out", s.dir.appendingPathComponent(target).path])
            #expect(n.status == 65, "\(target): \(n)")
        }
        #expect(files(s.dir) == before)
        // Outside the store: an existing file needs --force.
        let out = s.dir.deletingLastPathComponent().appendingPathComponent("r-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: out) }
        #expect(try s.run(["report", "--period", "2026", "--format", "csv", "--output", out.path]).status == 0)
        #expect(try s.run(["report", "--period", "2026", "--format", "csv", "--output", out.path]).status == 65)
        #expect(try s.run(["report", "--period", "2026", "--format", "csv", "--output", out.path, "--force"]).status == 0)
    }

    @Test func passphraseFilesAreBoundedAndCRLFIsOneLine() throws {
        let s = try TestStore()
        let file = s.dir.deletingLastPathComponent().appendingPathComponent("pp-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data("dana's long passphrase\r\n".utf8).write(to: file)
        let env = ["SENIM_STORE": s.dir.path, "SENIM_USER": "dana"]
        #expect(try CLI.run(["user", "list", "--passphrase-file", file.path], env: env).status == 0)
        let t0 = Date()
        let zero = try CLI.run(["user", "list", "--passphrase-file", "/dev/zero"], env: env)
        #expect(zero.status == 65 && zero.err.contains("65536"), "\(zero)")
        #expect(Date().timeIntervalSince(t0) < 5)
    }

    @Test func floodsAndRangesAreRefusedFast() throws {
        let s = try TestStore()
        let t0 = Date()
        let flood = try s.run(["contact", "add", "--client", "ANAN290", "--new-client"] + Array(repeating: ["--item", "needle=1"], count: 8_000).flatMap { $0 })
        #expect(flood.status == 64, "\(flood.err.prefix(200))")
        #expect(Date().timeIntervalSince(t0) < 10)
        let early = try s.run(["contact", "add", "--client", "ANAN290", "--new-client", "--item", "needle=1", "--at", "1969-12-31T10:00"])
        #expect(early.status == 65, "\(early)")
        let seed = try s.run(["dev", "seed", "--contacts", "1", "--clients", "999999999"])
        #expect(seed.status == 64, "\(seed)")
        let untrust = try s.run(["sync", "untrust", "nobody"])
        #expect(untrust.status == 65 && untrust.err.contains("nobody"), "\(untrust)")
    }

    @Test func controlCharactersNeverReachTheTerminal() throws {
        let s = try TestStore()
        // A bundle file that is not one: the message names the file, escaped.
        let weird = s.dir.deletingLastPathComponent().appendingPathComponent("b\u{1B}]0;x\u{07}-\(UUID().uuidString)")
        try Data(repeating: 1, count: 300).write(to: weird)
        defer { try? FileManager.default.removeItem(at: weird) }
        let r = try s.run(["report", "--period", "2026", "--output", weird.path])
        #expect(!r.err.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 }, "\(r)")
        #expect(r.err.contains("\\u{1b}"))
    }
}
