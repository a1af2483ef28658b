import Foundation
import Testing

@Suite struct CLIStockReferralTests {
    @Test func stockMovementsLevelsLotsTransfersAndConfirmation() throws {
        let s = try TestStore()
        try s.addUser("timur", role: "worker")
        #expect(try s.run(["stock", "receive", "naloxone", "40", "--lot", "NX-25C", "--expires", "2027-05-01"]).status == 0)
        #expect(try s.run(["stock", "receive", "syringe-2ml", "500"]).status == 0)
        let t = try s.run(["stock", "transfer", "syringe-2ml", "200", "--to", "almaty-mobile"])
        #expect(t.status == 0)
        let transfer = t.out.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try s.run(["stock", "writeoff", "naloxone", "4", "--reason", "damaged"]).status == 0)
        let count = try s.run(["stock", "count", "syringe-2ml", "290"])
        #expect(count.status == 0 && count.err.contains("-10"))
        let json = try s.run(["stock", "--json"]).json()
        #expect(Set(json.keys) == ["point", "items", "inTransit"])
        #expect(json["point"] as? String == "almaty-central")
        let items = try #require(json["items"] as? [[String: Any]])
        #expect(items.allSatisfy { Set($0.keys) == ["item", "level", "low", "lots", "discrepancies", "shortfall", "lastDiscrepancyAt"] })
        let nalox = try #require(items.first { $0["item"] as? String == "naloxone" })
        #expect(nalox["level"] as? Int == 36)
        let lots = try #require(nalox["lots"] as? [[String: Any]])
        #expect(lots.count == 1 && lots[0]["lot"] as? String == "NX-25C" && lots[0]["expires"] as? String == "2027-05-01")
        #expect(lots[0]["remaining"] as? Int == 36)
        #expect(items.first { $0["item"] as? String == "syringe-2ml" }?["level"] as? Int == 290)
        let transit = try #require(json["inTransit"] as? [[String: Any]])
        #expect(transit.count == 1)
        #expect(Set(transit[0].keys) == ["id", "item", "quantity", "from", "to", "sentAt"])
        #expect((transit[0]["id"] as? String)?.hasPrefix(transfer) == true && transit[0]["to"] as? String == "almaty-mobile")
        // The mobile point's worker confirms with the short id; a second confirmation is refused.
        let confirm = try s.run(["stock", "confirm", String(transfer.prefix(8))], as: "timur")
        #expect(confirm.status == 0, "\(confirm)")
        #expect(try s.run(["stock", "confirm", String(transfer.prefix(8))], as: "timur").status == 65)
        #expect(try s.run(["stock", "confirm", "ffffffff"]).status == 65)
        let mobile = try s.run(["stock", "show", "--point", "almaty-mobile", "--json"]).json()
        #expect((mobile["items"] as? [[String: Any]])?.first { $0["item"] as? String == "syringe-2ml" }?["level"] as? Int == 200)
        #expect((mobile["inTransit"] as? [Any])?.isEmpty == true)
        let table = try s.run(["stock"])
        #expect(table.status == 0 && table.out.contains("Naloxone") && table.out.contains("NX-25C"))
    }

    /// `stock writeoff --lot`: that lot goes first; an unknown lot or one with too little is
    /// refused with the lots that are there, and nothing is saved.
    @Test func writeOffOfAChosenLot() throws {
        let s = try TestStore()
        #expect(try s.run(["stock", "receive", "naloxone", "10", "--lot", "NX-A", "--expires", "2027-01-01"]).status == 0)
        #expect(try s.run(["stock", "receive", "naloxone", "20", "--lot", "NX-B", "--expires", "2027-06-01"]).status == 0)
        let w = try s.run(["stock", "writeoff", "naloxone", "5", "--reason", "damaged", "--lot", "NX-B"])
        #expect(w.status == 0, "\(w)")
        func lots() throws -> [String] {
            let items = try #require(try s.run(["stock", "--json"]).json()["items"] as? [[String: Any]])
            let n = try #require(items.first { $0["item"] as? String == "naloxone" })
            return (n["lots"] as? [[String: Any]] ?? []).map { "\($0["lot"] as? String ?? "-"):\($0["remaining"] as? Int ?? -1)" }
        }
        #expect(try lots() == ["NX-A:10", "NX-B:15"])
        let unknown = try s.run(["stock", "writeoff", "naloxone", "1", "--reason", "lost", "--lot", "NX-C"])
        #expect(unknown.status == 65 && unknown.err.contains("NX-C") && unknown.err.contains("NX-A, NX-B"), "\(unknown)")
        let short = try s.run(["stock", "writeoff", "naloxone", "16", "--reason", "expired", "--lot", "NX-B"])
        #expect(short.status == 65 && short.err.contains("15"), "\(short)")
        let ru = try s.run(["stock", "writeoff", "naloxone", "16", "--reason", "expired", "--lot", "NX-B"], env: ["LANG": "ru_RU.UTF-8"])
        #expect(ru.status == 65 && ru.err.contains("осталось 15"), "\(ru)")
        #expect(try lots() == ["NX-A:10", "NX-B:15"])
        // Without --lot: first expiry first, as before.
        #expect(try s.run(["stock", "writeoff", "naloxone", "12", "--reason", "expired"]).status == 0)
        #expect(try lots() == ["NX-B:13"])
        #expect(try s.run(["stock", "writeoff", "--help"]).out.contains("--lot"))
    }

    @Test func stockRefusals() throws {
        let s = try TestStore()
        try s.addUser("timur", role: "worker")
        let before = try s.eventCount()
        let negative = try s.run(["stock", "receive", "naloxone", "-5"])
        #expect(negative.status == 65 && negative.err.contains("-5"))
        #expect(try s.run(["stock", "receive", "unicorn", "5"]).status == 65)
        #expect(try s.run(["stock", "receive", "naloxone", "5", "--lot", "IIN \(validIIN())"]).status == 65)
        #expect(try s.run(["stock", "transfer", "naloxone", "5", "--to", "almaty-central"]).status == 65)   // same point
        #expect(try s.run(["stock", "count", "naloxone", "-1"]).status == 65)
        #expect(try s.run(["stock", "receive", "naloxone", "five"]).status == 64)
        #expect(try s.run(["stock", "receive", "naloxone", "5", "--expires", "soon"]).status == 64)
        let worker = try s.run(["stock", "receive", "naloxone", "5"], as: "timur")
        #expect(worker.status == 77 && worker.err.contains("worker"))
        #expect(try s.run(["stock", "writeoff", "naloxone", "1", "--reason", "lost"], as: "timur").status == 77)
        #expect(try s.eventCount() == before)
    }

    @Test func referralsFollowUpAndConfidentialNotes() throws {
        let s = try TestStore()
        try s.addUser("aigerim", role: "worker")
        try s.addUser("saule", role: "psychologist")
        #expect(try s.run(["client", "add", "ANSE185"], as: "aigerim").status == 0)
        let add = try s.run(["referral", "add", "--client", "ANSE185", "--service", "peer-psychologist", "--due", "2026-01-15",
                             "--note", "Проводить лично"], as: "aigerim")
        #expect(add.status == 0, "\(add)")
        let id = add.out.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect((8...32).contains(id.count))
        #expect(try s.run(["referral", "add", "--client", "QQQQ111", "--service", "hiv-test"]).status == 65)
        #expect(try s.run(["referral", "add", "--client", "ANSE185", "--service", "spa"]).status == 65)
        #expect(try s.run(["referral", "update", String(id.prefix(8)), "--status", "accompanied"], as: "aigerim").status == 0)
        #expect(try s.run(["referral", "update", "0000aaaa", "--status", "lost"]).status == 65)
        // Only a peer psychologist may write a confidential note; the coordinator included.
        let coordinatorNote = try s.run(["referral", "note", String(id.prefix(8)), "secret"])
        #expect(coordinatorNote.status == 77)
        #expect(try s.run(["referral", "note", String(id.prefix(8)), "тревога, плохой сон"], as: "saule").status == 0)
        #expect(try s.run(["referral", "note", String(id.prefix(8)), "ИИН \(validIIN())"], as: "saule").status == 65)
        // The psychologist reads it; the others do not even learn that it exists.
        let psy = try s.run(["referral", "show", id, "--json"], as: "saule").json()
        #expect(Set(psy.keys) == ["referral", "history", "notes"])
        let notes = try #require(psy["notes"] as? [[String: Any]])
        #expect(notes.count == 1 && notes[0]["text"] as? String == "тревога, плохой сон")
        let other = try s.run(["referral", "show", id, "--json"], as: "dana").json()
        #expect(other["notes"] is NSNull)
        #expect((other["referral"] as? [String: Any])?["confidentialNotes"] is NSNull)
        #expect((psy["referral"] as? [String: Any])?["confidentialNotes"] as? Int == 1)
        let otherText = try s.run(["referral", "show", id], as: "aigerim")
        #expect(otherText.status == 0 && !otherText.out.contains("тревога") && !otherText.out.lowercased().contains("confidential"))
        let history = try #require(psy["history"] as? [[String: Any]])
        #expect(history.count == 1 && history[0]["status"] as? String == "accompanied")
        #expect(Set(history[0].keys) == ["id", "at", "author", "point", "status", "note", "voided"])
        // Listing and filters.
        let list = try s.run(["referral", "list", "--json"]).json()
        let refs = try #require(list["referrals"] as? [[String: Any]])
        #expect(refs.count == 1)
        #expect(Set(refs[0].keys) == ["id", "client", "service", "point", "issuedAt", "issuedBy", "due", "status", "statusAt",
                                      "conflict", "note", "confidentialNotes"])
        #expect(refs[0]["status"] as? String == "accompanied" && refs[0]["conflict"] as? Bool == false)
        #expect((try s.run(["referral", "list", "--json", "--due-before", "2026-02-01"]).json()["referrals"] as? [Any])?.count == 1)
        #expect((try s.run(["referral", "list", "--json", "--status", "attended"]).json()["referrals"] as? [Any])?.count == 0)
        #expect(try s.run(["referral", "update", id, "--status", "attended", "--note", "Дошёл"]).status == 0)
        #expect((try s.run(["referral", "list", "--json", "--open"]).json()["referrals"] as? [Any])?.count == 0)
    }
}
