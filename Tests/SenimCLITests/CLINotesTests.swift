import Foundation
import Testing

/// First sign-in, passphrase changes, notes access, and what other roles never see.
@Suite struct CLINotesTests {
    @Test func accountOnAOneTimePassphraseMayOnlyRunPasswd() throws {
        let s = try TestStore()
        try s.addUser("timur", role: "worker", firstSignIn: false)
        for args in [["client", "list"], ["referral", "list", "--json"], ["contact", "add", "--client", "ANSE185", "--new-client", "--pack", "injecting"],
                     ["sync", "identity"], ["notes", "holders"], ["rekey"], ["verify"]] {
            let r = try s.run(args, as: "timur")
            #expect(r.status == 77, "\(args): \(r)")
            #expect(r.err.contains("one-time passphrase") && r.err.contains("senim passwd"), "\(args)")
            #expect(r.out.isEmpty)
        }
        #expect(try s.eventCount() == 2)      // the store's creation and timur's userAdded: nothing was written
        // passwd with a wrong current passphrase changes nothing.
        let wrong = try s.withFile("timur's own") { try s.run(["passwd", "--new-passphrase-file", $0], as: "timur", env: ["SENIM_PASSPHRASE": "guess"]) }
        #expect(wrong.status == 77)
        // Keeping the one-time passphrase is refused.
        let same = try s.withFile("timur's one-time passphrase") { try s.run(["passwd", "--new-passphrase-file", $0], as: "timur") }
        #expect(same.status == 65 && same.err.contains("one-time"), "\(same)")
        try s.choosePassphrase("timur", "timur's own")
        #expect(try s.run(["client", "list"], as: "timur").status == 0)
        // A coordinator's reset puts the account back on a one-time passphrase.
        let reset = try s.withFile("timur again") { try s.run(["user", "reset", "timur", "--new-passphrase-file", $0]) }
        #expect(reset.status == 0, "\(reset)")
        #expect(try s.run(["client", "list"], as: "timur").status == 77)
        s.passphrases["timur"] = "timur again"
        let blocked = try s.run(["client", "list"], as: "timur")
        #expect(blocked.status == 77 && blocked.err.contains("senim passwd"))
        try s.choosePassphrase("timur", "timur's second own")
        #expect(try s.run(["client", "list"], as: "timur").status == 0)
    }

    @Test func notesAccessIsGrantedExplicitlyAndTheLastHolderIsKept() throws {
        let s = try TestStore()
        try s.addUser("aigerim", role: "worker")
        try s.addUser("saule", role: "psychologist")
        try s.addUser("marat", role: "psychologist")
        #expect(try s.run(["client", "add", "ANSE185"], as: "aigerim").status == 0)
        let id = try s.run(["referral", "add", "--client", "ANSE185", "--service", "peer-psychologist"], as: "aigerim")
            .out.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try s.run(["referral", "note", id, "first session went well"], as: "saule").status == 0)
        // marat has an account but no key: nothing readable, and no automatic grant.
        #expect(try s.run(["client", "list"], as: "saule").status == 0)
        let before = try s.run(["referral", "show", id, "--json"], as: "marat").json()
        #expect((before["notes"] as? [[String: Any]])?.first?["text"] is NSNull)
        // The holder sees marat waiting with a fingerprint; marat reads the same from his own key.
        let holders = try s.run(["notes", "holders", "--json"], as: "saule").json()
        let accounts = try #require(holders["accounts"] as? [[String: Any]])
        let m = try #require(accounts.first { $0["name"] as? String == "marat" })
        #expect(m["access"] as? String == "waiting" && m["createdBy"] as? String == "dana")
        let fp = try #require(m["fingerprint"] as? String)
        #expect(try s.run(["notes", "holders", "--json"], as: "marat").json()["yourFingerprint"] as? String == fp)
        let table = try s.run(["notes", "holders"], as: "saule")
        #expect(table.status == 0 && table.out.contains(fp) && table.out.contains("waiting for a grant"))
        // A worker may not look; a wrong fingerprint grants nothing.
        #expect(try s.run(["notes", "holders"], as: "aigerim").status == 77)
        let bad = try s.run(["notes", "grant", "marat", "--fingerprint", "0000-0000-0000-0000"], as: "saule")
        #expect(bad.status == 65 && bad.err.contains(fp))
        #expect(try s.run(["notes", "grant", "marat"], as: "dana").status == 77)
        let ok = try s.run(["notes", "grant", "marat", "--fingerprint", fp], as: "saule")
        #expect(ok.status == 0, "\(ok)")
        let after = try s.run(["referral", "show", id, "--json"], as: "marat").json()
        #expect((after["notes"] as? [[String: Any]])?.first?["text"] as? String == "first session went well")
        // Removing one holder is fine; the last one needs --force.
        #expect(try s.run(["user", "remove", "marat"]).status == 0)
        let refused = try s.run(["user", "remove", "saule"])
        #expect(refused.status == 65 && refused.err.contains("last") && refused.err.contains("--force"), "\(refused)")
        let resetRefused = try s.withFile("saule one time") { try s.run(["user", "reset", "saule", "--new-passphrase-file", $0]) }
        #expect(resetRefused.status == 65)
        #expect(try s.run(["user", "list", "--json"]).out.contains("saule"))
        #expect(try s.run(["user", "remove", "saule", "--force"]).status == 0)
    }

    /// Canary: a note's text, its count and its existence never reach a worker or a coordinator.
    @Test func nothingAboutNotesReachesOtherRoles() throws {
        let s = try TestStore()
        try s.addUser("aigerim", role: "worker")
        try s.addUser("saule", role: "psychologist")
        let canary = "CANARY-\(UUID().uuidString.prefix(8))"
        #expect(try s.run(["client", "add", "ANSE185"], as: "aigerim").status == 0)
        let id = try s.run(["referral", "add", "--client", "ANSE185", "--service", "peer-psychologist"], as: "aigerim")
            .out.trimmingCharacters(in: .whitespacesAndNewlines)
        for i in 0..<3 { #expect(try s.run(["referral", "note", id, "\(canary) \(i)"], as: "saule").status == 0) }
        // The psychologist sees them (the canary is really there).
        let psy = try s.run(["referral", "show", id], as: "saule")
        #expect(psy.out.contains(canary))
        let commands: [[String]] = [
            ["referral", "list"], ["referral", "list", "--json"], ["referral", "show", id], ["referral", "show", id, "--json"],
            ["client", "show", "ANSE185"], ["client", "show", "ANSE185", "--json"], ["client", "list", "--json"],
            ["user", "list"], ["report", "--period", "2026", "--json"], ["report", "--period", "2026"],
        ]
        for user in ["aigerim", "dana"] {
            for lang in ["C.UTF-8", "ru_RU.UTF-8", "kk_KZ.UTF-8"] {
                for args in commands {
                    let r = try s.run(args, as: user, env: ["LANG": lang])
                    // (A worker may not export reports as JSON: refused with nothing printed.)
                    #expect(r.status == 0 || (r.status == 77 && r.out.isEmpty && args.first == "report"), "\(user) \(args): \(r)")
                    // The JSON schema names the field for every referral; its value is always null here.
                    let nulls = r.out.replacingOccurrences(of: "\"confidentialNotes\" : null", with: "")
                    #expect(!nulls.contains("\"confidentialNotes\""), "\(user) \(args): a count")
                    let all = nulls + r.err
                    #expect(!all.contains(canary), "\(user) \(args)")
                    for word in ["confidential", "конфиденц", "құпия"] {
                        #expect(!all.lowercased().contains(word), "\(user) \(lang) \(args): \(word)")
                    }
                }
            }
        }
        let json = try s.run(["referral", "list", "--json"], as: "dana").json()
        #expect((json["referrals"] as? [[String: Any]])?.first?["confidentialNotes"] is NSNull)
    }
}
