import Foundation
import Testing

/// Clients and contacts through the real binary, including every refusal class.
@Suite struct CLIClientContactTests {
    static let clientKeys: Set<String> = ["code", "sex", "birthYear", "firstSeen", "lastSeen", "firstPoint", "contacts", "mergedInto"]
    static let contactKeys: Set<String> = ["id", "at", "point", "client", "worker", "type", "items", "services", "overdose", "note", "status",
                                                   "overdoseKind", "whoCame", "results"]

    @Test func contactAddPrintsIdAndListsMatchTheDocumentedSchema() throws {
        let s = try TestStore()
        try s.addUser("aigerim", role: "worker")
        #expect(try s.run(["client", "add", "ANSE185"], as: "aigerim").out == "ANSE185\n")
        let add = try s.run(["contact", "add", "--client", "anse185", "--pack", "injecting", "--item", "syringe-1ml=20",
                             "--item", "needle=4", "--service", "hiv-test", "--at", "2026-03-02T10:15",
                             "--note", "Просил больше воды"], as: "aigerim")
        #expect(add.status == 0, "\(add)")
        let id = add.out.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect((8...32).contains(id.count) && id.allSatisfy(\.isHexDigit))   // the short form unique in the store
        let list = try s.run(["contact", "list", "--json"])
        let contacts = try #require(try list.json()["contacts"] as? [[String: Any]])
        #expect(contacts.count == 1)
        let c = contacts[0]
        #expect(Set(c.keys) == Self.contactKeys)
        #expect((c["id"] as? String)?.count == 32 && (c["id"] as? String)?.hasPrefix(id) == true)
        #expect(c["status"] as? String == "active")
        #expect(c["client"] as? String == "ANSE185")
        #expect(c["worker"] as? String == "aigerim")
        #expect(c["point"] as? String == "almaty-central")
        #expect(c["type"] as? String == "stationary")
        #expect(c["at"] as? String == "2026-03-02T05:15:00Z")    // 10:15 in Almaty (UTC+5)
        #expect(c["overdose"] is NSNull)
        #expect(c["note"] as? String == "Просил больше воды")
        #expect(c["services"] as? [String] == ["hiv-test"])
        let items = try #require(c["items"] as? [[String: Any]])
        let q = Dictionary(uniqueKeysWithValues: items.map { ($0["item"] as! String, $0["quantity"] as! Int) })
        #expect(q["syringe-1ml"] == 20)
        #expect(q["needle"] == 4)            // an explicit item replaces the pack's quantity
        #expect(q["syringe-2ml"] == 10)
        #expect(items.allSatisfy { Set($0.keys) == ["item", "quantity"] })
        // Filters.
        #expect((try s.run(["contact", "list", "--json", "--from", "2026-03-03"]).json()["contacts"] as? [Any])?.isEmpty == true)
        #expect((try s.run(["contact", "list", "--json", "--to", "2026-03-02"]).json()["contacts"] as? [Any])?.count == 1)
        #expect((try s.run(["contact", "list", "--json", "--client", "ANSE185"]).json()["contacts"] as? [Any])?.count == 1)
        #expect((try s.run(["contact", "list", "--json", "--point", "temirtau"]).json()["contacts"] as? [Any])?.isEmpty == true)
        let table = try s.run(["contact", "list"])
        #expect(table.status == 0 && table.out.contains("ANSE185") && table.out.contains("1 contacts."))
    }

    @Test func anIINInTheNoteIsRefusedMaskedAndNothingIsSaved() throws {
        let s = try TestStore()
        #expect(try s.run(["client", "add", "ANSE185"]).status == 0)
        let before = try s.eventCount()
        let iin = validIIN()
        let r = try s.run(["contact", "add", "--client", "ANSE185", "--pack", "injecting", "--note", "его ИИН \(iin)"])
        #expect(r.status == 65, "\(r)")
        #expect(r.err.contains("IIN"))
        #expect(!r.err.contains(iin), "the refused IIN must not be echoed in full")
        #expect(r.err.contains(String(iin.prefix(2))) && r.err.contains(String(iin.suffix(2))))
        #expect(try s.eventCount() == before)
        // Phone numbers and e-mail addresses likewise, in any free-text field.
        let phone = try s.run(["contact", "add", "--client", "ANSE185", "--pack", "injecting", "--note", "звонить +7 (701) 123-45-67"])
        #expect(phone.status == 65 && phone.err.contains("phone"))
        let mail = try s.run(["referral", "add", "--client", "ANSE185", "--service", "hiv-test", "--note", "pishi na aidos@mail.kz"])
        #expect(mail.status == 65 && mail.err.contains("e-mail"))
        #expect(try s.eventCount() == before)
        // The same refusal in Russian.
        let ru = try s.run(["contact", "add", "--client", "ANSE185", "--pack", "injecting", "--note", iin], env: ["LANG": "ru_RU.UTF-8"])
        #expect(ru.status == 65 && ru.err.contains("ИИН"))
    }

    @Test func unknownCodesAreRefusedWithNearDuplicatesUnlessNewClient() throws {
        let s = try TestStore()
        #expect(try s.run(["client", "add", "ANSE185"]).status == 0)
        let before = try s.eventCount()
        let typo = try s.run(["contact", "add", "--client", "ANSO185", "--pack", "injecting"])
        #expect(typo.status == 65)
        #expect(typo.err.contains("ANSO185") && typo.err.contains("ANSE185"))
        let unknown = try s.run(["contact", "add", "--client", "ZZZZ199", "--pack", "injecting"])
        #expect(unknown.status == 65 && unknown.err.contains("ZZZZ199"))
        let invalid = try s.run(["contact", "add", "--client", "12", "--pack", "injecting"])
        #expect(invalid.status == 65 && invalid.err.contains("'12'"))
        #expect(try s.eventCount() == before)
        let new = try s.run(["contact", "add", "--client", "ZZZZ199", "--new-client", "--pack", "injecting"])
        #expect(new.status == 0)
        #expect(new.err.contains("ZZZZ199"))
        #expect(try s.eventCount() == before + 2)   // registration + contact
    }

    @Test func badQuantitiesIdsAndTimesAreRefused() throws {
        let s = try TestStore()
        #expect(try s.run(["client", "add", "ANSE185"]).status == 0)
        let before = try s.eventCount()
        let cases: [([String], String)] = [
            (["--item", "syringe-1ml=-5"], "-5"),
            (["--item", "syringe-1ml=0"], "0"),
            (["--item", "syringe-1ml=99999"], "99999"),
            (["--item", "unicorn=1"], "unicorn"),
            (["--pack", "party"], "party"),
            (["--pack", "injecting", "--service", "massage"], "massage"),
            (["--pack", "injecting", "--type", "helicopter"], "helicopter"),
            (["--pack", "injecting", "--overdose", "maybe"], "maybe"),
            (["--pack", "injecting", "--point", "atlantis"], "atlantis"),
            (["--pack", "injecting", "--at", "2099-01-01T10:00"], "2099"),
            ([], "at least one"),
        ]
        for (args, shown) in cases {
            let r = try s.run(["contact", "add", "--client", "ANSE185"] + args)
            #expect(r.status == 65, "\(args): \(r)")
            #expect(r.err.contains(shown), "\(args): message should show '\(shown)': \(r.err)")
        }
        #expect(try s.eventCount() == before)
    }

    /// `client duplicates` lists each likely pair once with its reason; merged codes drop out.
    @Test func duplicatesListsLikelyPairs() throws {
        let s = try TestStore()
        for c in ["ANSE185", "ANSA185", "SEAN185", "ANSE186", "BOSE190"] { #expect(try s.run(["client", "add", c]).status == 0) }
        let before = try s.eventCount()
        let r = try s.run(["client", "duplicates", "--json"])
        #expect(r.status == 0, "\(r)")
        #expect(try s.eventCount() == before)   // a read command never writes
        let pairs = try #require(try r.json()["pairs"] as? [[String: Any]])
        func key(_ p: [String: Any]) -> String {
            "\((p["a"] as? [String: Any])?["code"] as? String ?? "")-\((p["b"] as? [String: Any])?["code"] as? String ?? "")-\(p["reason"] as? String ?? "")"
        }
        #expect(pairs.map(key) == ["ANSA185-ANSE185-one-edit", "ANSE185-ANSE186-birth-year", "ANSE185-SEAN185-swapped-parents"])
        #expect(pairs.allSatisfy { Set(($0["a"] as? [String: Any])?.keys.map { $0 } ?? []) == Self.clientKeys })
        let table = try s.run(["client", "duplicates"])
        #expect(table.status == 0 && table.out.contains("swapped") && table.out.contains("3"))
        #expect(try s.run(["client", "merge", "ANSA185", "ANSE185"]).status == 0)
        let after = try #require(try s.run(["client", "duplicates", "--json"]).json()["pairs"] as? [[String: Any]])
        #expect(after.map(key) == ["ANSE185-ANSE186-birth-year", "ANSE185-SEAN185-swapped-parents"])
    }

    @Test func findShowListAndMerge() throws {
        let s = try TestStore()
        for c in ["ANSE185", "ANSO185", "BOSE190"] { #expect(try s.run(["client", "add", c]).status == 0) }
        let similar = try s.run(["client", "add", "ANSA185"])
        #expect(similar.status == 0 && similar.err.contains("ANSE185"))
        #expect(try s.run(["contact", "add", "--client", "ANSO185", "--pack", "1"]).status == 0)
        let find = try s.run(["client", "find", "ans", "--json"])
        let found = try #require(try find.json()["clients"] as? [[String: Any]])
        #expect(found.map { $0["code"] as? String } == ["ANSA185", "ANSE185", "ANSO185"])
        #expect(found.allSatisfy { Set($0.keys) == Self.clientKeys })
        #expect(found[0]["sex"] as? String == "m" && found[0]["birthYear"] as? Int == 1985)
        // Cyrillic prefix on a Russian keyboard finds the same codes.
        #expect((try s.run(["client", "find", "АНС", "--json"]).json()["clients"] as? [Any])?.count == 3)
        // Merge: worker may not (77); coordinator may; the merged code disappears from list.
        try s.addUser("aigerim", role: "worker")
        #expect(try s.run(["client", "merge", "ANSO185", "ANSE185"], as: "aigerim").status == 77)
        let m = try s.run(["client", "merge", "ANSO185", "ANSE185"])
        #expect(m.status == 0, "\(m)")
        // Already one person: repeating the merge (either way round) is a no-op with status 0.
        let before = try s.eventCount()
        let again = try s.run(["client", "merge", "ANSO185", "ANSE185"])
        #expect(again.status == 0 && again.out.contains("ANSO185"), "\(again)")
        #expect(try s.run(["client", "merge", "ANSE185", "ANSO185"]).status == 0)
        #expect(try s.eventCount() == before)
        #expect(try s.run(["client", "merge", "ANSE185", "ANSE185"]).status == 65)   // one code with itself
        let list = try s.run(["client", "list", "--json"])
        let codes = (try list.json()["clients"] as? [[String: Any]])?.compactMap { $0["code"] as? String }
        #expect(codes == ["ANSA185", "ANSE185", "BOSE190"])
        let all = try s.run(["client", "list", "--json", "--all"])
        let merged = (try all.json()["clients"] as? [[String: Any]])?.first { $0["code"] as? String == "ANSO185" }
        #expect(merged?["mergedInto"] as? String == "ANSE185")
        let show = try s.run(["client", "show", "ANSO185", "--json"])
        let shown = try show.json()
        #expect(Set(shown.keys) == ["client", "mergedFrom", "contacts", "referrals"])
        #expect((shown["client"] as? [String: Any])?["code"] as? String == "ANSE185")
        #expect(shown["mergedFrom"] as? [String] == ["ANSO185"])
        #expect((shown["contacts"] as? [Any])?.count == 1)
        #expect(try s.run(["client", "show", "QQQQ111"]).status == 65)
    }
}
