import Foundation
import Testing

/// Store life cycle through the real binary: init, users, passphrases, locking, backup,
/// restore, verify, compact, rekey, salvage; each error class with its exit code.
@Suite struct CLIStoreTests {
    @Test func initCreatesOnceAndNeedsAUser() throws {
        let s = try TestStore()
        #expect(FileManager.default.fileExists(atPath: s.dir.appendingPathComponent("keys").path))
        let again = try s.run(["init"])
        #expect(again.status == 73)
        #expect(again.err.contains(s.dir.path))
        let noUser = try CLI.run(["init", "--store", s.dir.path + "-other"], env: ["SENIM_PASSPHRASE": "x y z"])
        #expect(noUser.status == 64)
        #expect(noUser.err.contains("--user"))
        let badPoint = try CLI.run(["init", "--point", "atlantis"],
                                   env: ["SENIM_STORE": s.dir.path + "-p", "SENIM_USER": "x", "SENIM_PASSPHRASE": "p"])
        #expect(badPoint.status == 65)
        #expect(badPoint.err.contains("atlantis") && badPoint.err.contains("almaty-central"))
        #expect(!FileManager.default.fileExists(atPath: s.dir.path + "-p/keys"))
    }

    @Test func wrongPassphraseOrUnknownUserIs77AndNoStoreIs66() throws {
        let s = try TestStore()
        let wrong = try s.run(["client", "list"], env: ["SENIM_PASSPHRASE": "guess"])
        #expect(wrong.status == 77)
        #expect(wrong.err.contains("Wrong user name or passphrase"))
        let stranger = try s.run(["client", "list"], as: "mallory")
        #expect(stranger.status == 77)
        #expect(stranger.err == wrong.err, "an unknown user must look exactly like a wrong passphrase")
        let none = try CLI.run(["client", "list", "--store", s.dir.path + "-missing", "--user", "dana"],
                               env: ["SENIM_PASSPHRASE": "x"])
        #expect(none.status == 66)
    }

    @Test func noPassphraseSourceWithoutTerminalIs64() throws {
        let s = try TestStore()
        let r = try CLI.run(["client", "list"], env: ["SENIM_STORE": s.dir.path, "SENIM_USER": "dana"])
        #expect(r.status == 64)
        #expect(r.err.contains("--passphrase-file"))
        // The passphrase file: first line only; a missing file is 66.
        let file = s.dir.deletingLastPathComponent().appendingPathComponent("pp-\(UUID().uuidString)")
        try "dana's long passphrase\nsecond line ignored\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let ok = try CLI.run(["user", "list", "--passphrase-file", file.path], env: ["SENIM_STORE": s.dir.path, "SENIM_USER": "dana"])
        #expect(ok.status == 0, "\(ok)")
        let missing = try CLI.run(["user", "list", "--passphrase-file", file.path + "x"], env: ["SENIM_STORE": s.dir.path, "SENIM_USER": "dana"])
        #expect(missing.status == 66)
    }

    @Test func usersRolesAndPasswd() throws {
        let s = try TestStore()
        try s.addUser("aigerim", role: "worker")
        try s.addUser("saule", role: "psychologist")
        let list = try s.run(["user", "list", "--json"])
        #expect(list.status == 0)
        let users = try #require(try list.json()["users"] as? [[String: Any]])
        #expect(users.map { $0["name"] as? String } == ["aigerim", "dana", "saule"])
        #expect(users.map { $0["role"] as? String } == ["worker", "coordinator", "psychologist"])
        #expect(users.allSatisfy { Set($0.keys) == ["name", "role", "point"] })
        // A worker may not manage users.
        let denied = try s.run(["user", "remove", "saule"], as: "aigerim")
        #expect(denied.status == 77)
        #expect(denied.err.contains("worker") && denied.err.contains("manageUsers"))
        // Bad name: refused input; a name that is an IIN is refused too, masked.
        let bad = try s.run(["user", "add", "no spaces please", "--role", "worker", "--new-passphrase-file", "/dev/null"])
        #expect(bad.status == 65)
        let iin = try s.run(["user", "add", validIIN(), "--role", "worker", "--new-passphrase-file", "/dev/null"])
        #expect(iin.status == 65 && iin.err.contains("IIN") && !iin.err.contains(validIIN()))
        // passwd: the old passphrase stops working, the new one works.
        let file = s.dir.deletingLastPathComponent().appendingPathComponent("np-\(UUID().uuidString)")
        try "a brand new passphrase\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let pw = try s.run(["passwd", "--new-passphrase-file", file.path], as: "aigerim")
        #expect(pw.status == 0, "\(pw)")
        #expect(try s.run(["client", "list"], as: "aigerim").status == 77)
        #expect(try s.run(["client", "list"], as: "aigerim", env: ["SENIM_PASSPHRASE": "a brand new passphrase"]).status == 0)
        // remove, then the removed user cannot open the store.
        let rm = try s.run(["user", "remove", "aigerim"])
        #expect(rm.status == 0 && rm.out.contains("rekey"))
        #expect(try s.run(["client", "list"], as: "aigerim", env: ["SENIM_PASSPHRASE": "a brand new passphrase"]).status == 77)
        #expect(try s.run(["rekey"]).status == 0)
        #expect(try s.run(["client", "list"], as: "saule").status == 0)
    }

    @Test func aSecondProcessGets75WhileTheStoreIsHeld() throws {
        let s = try TestStore()
        let (holder, out) = try CLI.start(["dev", "hold-lock", "--seconds", "20"], env: s.env("dana"))
        defer { if holder.isRunning { holder.terminate() }; holder.waitUntilExit() }
        // Wait until the holder has the store open.
        let line = String(decoding: out.fileHandleForReading.availableDataOrWait(), as: UTF8.self)
        #expect(line.hasPrefix("locked "), "holder said: \(line)")
        let before = try FileManager.default.attributesOfItem(atPath: s.dir.appendingPathComponent("journal").path)[.size] as? Int
        let r = try s.run(["contact", "add", "--client", "ANSE185", "--new-client", "--pack", "injecting"])
        #expect(r.status == 75, "\(r)")
        #expect(r.err.contains("in use") && r.err.contains(String(holder.processIdentifier)))
        let after = try FileManager.default.attributesOfItem(atPath: s.dir.appendingPathComponent("journal").path)[.size] as? Int
        #expect(before == after, "a refused writer changed the journal")
        holder.terminate()
        holder.waitUntilExit()
        #expect(try s.run(["contact", "add", "--client", "ANSE185", "--new-client", "--pack", "injecting"]).status == 0)
    }

    @Test func backupVerifyRestoreCompactRekeySalvage() throws {
        let s = try TestStore()
        #expect(try s.run(["client", "add", "ANSE185"]).status == 0)
        let backup = s.dir.deletingLastPathComponent().appendingPathComponent("bak-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: backup) }
        let b = try s.run(["backup", backup.path])
        #expect(b.status == 0, "\(b)")
        #expect(try s.run(["client", "add", "BOSE190"]).status == 0)
        let v = try s.run(["verify", "--json"])
        #expect(v.status == 0)
        let report = try v.json()
        #expect(Set(report.keys) == ["ok", "events", "lines"])
        #expect(report["ok"] as? Bool == true)
        #expect(report["events"] as? Int == 3)   // userAdded + two registrations
        let lines = try #require(report["lines"] as? [[String: Any]])
        #expect(lines.allSatisfy { Set($0.keys) == ["file", "ok", "text"] })
        #expect(try s.run(["compact"]).status == 0)
        #expect(try s.run(["rekey"]).status == 0)
        #expect(try s.eventCount() == 3)
        // Restore refuses to overwrite without --force (73), then replaces with it.
        let refused = try s.run(["restore", backup.path])
        #expect(refused.status == 73)
        #expect(try s.eventCount() == 3)
        #expect(try s.run(["restore", backup.path, "--force"]).status == 0)
        #expect(try s.eventCount() == 2)
        #expect(try s.run(["restore", backup.path + "-missing", "--force"]).status == 66)
        // Salvage into a new folder opens with the same credentials.
        let target = s.dir.path + "-salvaged"
        defer { try? FileManager.default.removeItem(atPath: target) }
        let sv = try s.run(["salvage", "--to", target])
        #expect(sv.status == 0, "\(sv)")
        #expect(try s.run(["client", "list", "--json", "--store", target]).json()["clients"] as? [Any] != nil)
    }

    @Test func aDamagedStoreIs74() throws {
        let s = try TestStore()
        #expect(try s.run(["client", "add", "ANSE185"]).status == 0)
        let journal = s.dir.appendingPathComponent("journal")
        var bytes = try Data(contentsOf: journal)
        // Flip a bit in the middle of the first frame (not the torn tail a crash leaves).
        bytes[bytes.count / 3] ^= 0x40
        try bytes.write(to: journal)
        let v = try s.run(["verify"])
        #expect(v.status == 74, "\(v)")
        #expect(v.out.contains("BAD"))
        let open = try s.run(["client", "list"])
        #expect(open.status == 74, "\(open)")
    }

    @Test func rolesAreEnforcedForMaintenance() throws {
        let s = try TestStore()
        try s.addUser("aigerim", role: "worker")
        for cmd in [["compact"], ["rekey"], ["backup", s.dir.path + ".bak"], ["dev", "seed", "--contacts", "10"]] {
            let r = try s.run(cmd, as: "aigerim")
            #expect(r.status == 77, "\(cmd): \(r)")
        }
        #expect(!FileManager.default.fileExists(atPath: s.dir.path + ".bak"))
    }
}

extension FileHandle {
    /// The first chunk of output (blocks until the process writes something or exits).
    func availableDataOrWait() -> Data { availableData }
}
