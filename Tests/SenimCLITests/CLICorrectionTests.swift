import Foundation
import Testing

/// `contact show`, `contact correct`, `void`, `client unmerge`, `--confirm-large`, `--at` on
/// late entries and short ids, run through the real binary.
@Suite struct CLICorrectionTests {
    func contacts(_ s: TestStore, _ extra: [String] = []) throws -> [[String: Any]] {
        try #require(try s.run(["contact", "list", "--json"] + extra).json()["contacts"] as? [[String: Any]])
    }

    func level(_ s: TestStore, _ item: String) throws -> Int? {
        let items = try #require(try s.run(["stock", "--json"]).json()["items"] as? [[String: Any]])
        return items.first { $0["item"] as? String == item }?["level"] as? Int
    }

    @Test func correctingHundredToTenKeepsTheHistory() throws {
        let s = try TestStore()
        try s.addUser("aigerim", role: "worker")
        #expect(try s.run(["stock", "receive", "syringe-2ml", "500"]).status == 0)
        #expect(try s.run(["client", "add", "ANSE185"], as: "aigerim").status == 0)
        // Above the usual maximum (200): refused, naming the item and the maximum, unless confirmed.
        let big = try s.run(["contact", "add", "--client", "ANSE185", "--item", "syringe-2ml=250"], as: "aigerim")
        #expect(big.status == 65 && big.err.contains("syringe-2ml") && big.err.contains("200"), "\(big)")
        let add = try s.run(["contact", "add", "--client", "ANSE185", "--item", "syringe-2ml=100"], as: "aigerim")
        #expect(add.status == 0, "\(add)")
        let id = add.out.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try level(s, "syringe-2ml") == 400)
        let fix = try s.run(["contact", "correct", id, "--item", "syringe-2ml=10"], as: "aigerim")
        #expect(fix.status == 0, "\(fix)")
        #expect(fix.err.contains("Syringe 2 ml 100 → 10"))
        #expect(try level(s, "syringe-2ml") == 490)
        let list = try contacts(s)
        #expect(list.count == 1 && list[0]["status"] as? String == "corrected")
        #expect((list[0]["items"] as? [[String: Any]])?.first?["quantity"] as? Int == 10)
        let show = try s.run(["contact", "show", id, "--json"]).json()
        #expect(Set(show.keys) == ["contact", "original", "history"])
        #expect(((show["original"] as? [String: Any])?["items"] as? [[String: Any]])?.first?["quantity"] as? Int == 100)
        let history = try #require(show["history"] as? [[String: Any]])
        #expect(history.count == 1 && history[0]["action"] as? String == "corrected" && history[0]["author"] as? String == "aigerim"
                && history[0]["reason"] as? String == "mistake")
        let text = try s.run(["contact", "show", id], as: "aigerim")
        #expect(text.status == 0 && text.out.contains("corrected by aigerim") && text.out.contains("Syringe 2 ml 100 → 10"), "\(text)")
        // Nothing to change, an IIN in the reason, someone else's contact: refused, nothing saved.
        try s.addUser("timur", role: "worker")
        let before = try s.eventCount()
        #expect(try s.run(["contact", "correct", id, "--item", "syringe-2ml=10"], as: "aigerim").status == 65)
        #expect(try s.run(["contact", "correct", id, "--item", "needle=1", "--reason-note", "ИИН \(validIIN())"], as: "aigerim").status == 65)
        let other = try s.run(["contact", "correct", id, "--item", "needle=1"], as: "timur")
        #expect(other.status == 77 && other.err.contains("aigerim"), "\(other)")
        #expect(try s.run(["contact", "correct", id]).status == 64)   // nothing given
        #expect(try s.eventCount() == before)
        // The coordinator may correct anyone's contact.
        #expect(try s.run(["contact", "correct", id, "--client", "ANSE185", "--service", "hiv-test"]).status == 0)
        #expect(try contacts(s)[0]["services"] as? [String] == ["hiv-test"])
    }

    @Test func voidingLeavesTheContactOutUnlessAll() throws {
        let s = try TestStore()
        try s.addUser("aigerim", role: "worker")
        #expect(try s.run(["client", "add", "ANSE185"]).status == 0)
        let a = try s.run(["contact", "add", "--client", "ANSE185", "--item", "needle=5"], as: "aigerim").out
            .trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try s.run(["contact", "add", "--client", "ANSE185", "--item", "needle=7"], as: "aigerim").status == 0)
        #expect(try s.run(["void", a, "--reason", "bogus"], as: "aigerim").status == 64)
        let void = try s.run(["void", a, "--reason", "duplicate", "--note", "entered twice"], as: "aigerim")
        #expect(void.status == 0, "\(void)")
        // The record's kind is named in words, not by its event name.
        #expect(void.out.contains("(contact)") && !void.out.contains("contact-logged"), "\(void.out)")
        #expect(try contacts(s).count == 1)
        let all = try contacts(s, ["--all"])
        #expect(all.count == 2 && all[0]["status"] as? String == "voided" && all[1]["status"] as? String == "active")
        #expect(try level(s, "needle") == -7)
        let client = try s.run(["client", "show", "ANSE185", "--json"]).json()
        #expect((client["client"] as? [String: Any])?["contacts"] as? Int == 1)
        #expect(try s.run(["void", a, "--reason", "mistake"]).status == 65)    // voided already
        let show = try s.run(["contact", "show", a])
        #expect(show.status == 0 && show.out.contains("voided by aigerim") && show.out.contains("entered twice"))
    }

    @Test func lateEntryAndVoidedStockMovements() throws {
        let s = try TestStore()
        #expect(try s.run(["client", "add", "ANSE185"]).status == 0)
        #expect(try s.run(["contact", "add", "--client", "ANSE185", "--item", "needle=10", "--at", "2026-03-02T10:00"]).status == 0)
        // The delivery arrived that morning and is entered afterwards: no discrepancy remains.
        let late = try s.run(["stock", "receive", "needle", "100", "--at", "2026-03-02T08:00"])
        #expect(late.status == 0, "\(late)")
        let items = try #require(try s.run(["stock", "--json"]).json()["items"] as? [[String: Any]])
        let needle = try #require(items.first { $0["item"] as? String == "needle" })
        #expect(needle["level"] as? Int == 90 && needle["discrepancies"] as? Int == 0)
        #expect(try s.run(["stock", "receive", "needle", "1", "--at", "1999-12-31T23:59"]).status == 65)
        let tomorrow = ISO8601DateFormatter().string(from: Date().addingTimeInterval(86_400))
        #expect(try s.run(["stock", "receive", "needle", "1", "--at", tomorrow]).status == 65)
        #expect(try s.run(["stock", "receive", "needle", "1", "--at", "yesterday"]).status == 64)
        #expect(try s.run(["referral", "add", "--client", "ANSE185", "--service", "hiv-test", "--at", "2026-03-02T11:00"]).status == 0)
        // A wrong write-off is voided: the level comes back.
        let w = try s.run(["stock", "writeoff", "needle", "30", "--reason", "lost"]).out.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try level(s, "needle") == 60)
        #expect(try s.run(["void", w, "--reason", "mistake"]).status == 0)
        #expect(try level(s, "needle") == 90)
        // An expired lot is recorded with a warning.
        let old = try s.run(["stock", "receive", "naloxone", "5", "--expires", "2020-01-01"])
        #expect(old.status == 0 && old.err.contains("expired"))
    }

    @Test func shortIdsAreUniqueAndAcceptedEverywhere() throws {
        let s = try TestStore()
        #expect(try s.run(["client", "add", "ANSE185"]).status == 0)
        // Made within a second: their first 8 hex digits are the same.
        var ids: [String] = []
        for _ in 0..<3 {
            ids.append(try s.run(["contact", "add", "--client", "ANSE185", "--item", "needle=1"]).out
                .trimmingCharacters(in: .whitespacesAndNewlines))
        }
        #expect(Set(ids).count == 3)
        #expect(ids.allSatisfy { $0.count >= 10 })
        for id in ids { #expect(try s.run(["contact", "show", id]).status == 0) }
        // Their common prefix (at least 6 digits: they were made seconds apart) matches both.
        let common = String(zip(ids[0], ids[1]).prefix { $0 == $1 }.map(\.0))
        #expect(common.count >= 6, "\(ids)")
        let ambiguous = try s.run(["contact", "show", common])
        #expect(ambiguous.status == 65 && ambiguous.err.contains("Type more digits"), "\(ambiguous)")
        let table = try s.run(["contact", "list"])
        // Listings show the shortest forms unique now (at least 8 digits).
        #expect(ids.allSatisfy { table.out.contains(String($0.prefix(8))) })
    }

    @Test func unmergeIsForCoordinatorsAndUndoesTheMerge() throws {
        let s = try TestStore()
        try s.addUser("aigerim", role: "worker")
        #expect(try s.run(["client", "add", "ANSE185"]).status == 0)
        #expect(try s.run(["client", "add", "ANSE186"]).status == 0)
        #expect(try s.run(["client", "unmerge", "ANSE185"]).status == 65)     // not merged
        #expect(try s.run(["client", "merge", "ANSE185", "ANSE186"]).status == 0)
        #expect(try s.run(["client", "unmerge", "ANSE185"], as: "aigerim").status == 77)
        let r = try s.run(["client", "unmerge", "ANSE185"])
        #expect(r.status == 0 && r.out.contains("ANSE186"), "\(r)")
        let show = try s.run(["client", "show", "ANSE185", "--json"]).json()
        #expect((show["client"] as? [String: Any])?["mergedInto"] is NSNull)
    }
}
