import Foundation
import Testing

@Suite struct CLIReportSyncDemoTests {
    @Test func seedIsDeterministicAndReportsParse() throws {
        let a = try TestStore(), b = try TestStore()
        for s in [a, b] {
            let r = try s.run(["dev", "seed", "--contacts", "400", "--clients", "60", "--seed", "9", "--days", "60", "--until", "2026-06-30"])
            #expect(r.status == 0, "\(r)")
            #expect(r.out.contains("400 contacts"))
            #expect(r.err.isEmpty, "no progress bar without a terminal: \(r.err)")
        }
        let la = try a.run(["contact", "list", "--json"]), lb = try b.run(["contact", "list", "--json"])
        #expect(la.out == lb.out, "same seed and period, same contacts")
        let contacts = try #require(try la.json()["contacts"] as? [[String: Any]])
        #expect(contacts.count == 400)
        let at = contacts.compactMap { $0["at"] as? String }
        #expect(at.allSatisfy { $0 >= "2026-05-01" && $0 < "2026-07-01" })
        // Reports: JSON parses; table and CSV work; an output file is written; bad period is 65.
        let json = try a.run(["report", "--period", "2026-06", "--json"])
        #expect(json.status == 0, "\(json)")
        #expect(try JSONSerialization.jsonObject(with: Data(json.out.utf8)) is [String: Any])
        #expect(try a.run(["report", "--period", "2026Q2", "--by", "sex"]).status == 0)
        let file = a.dir.deletingLastPathComponent().appendingPathComponent("r-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: file) }
        #expect(try a.run(["report", "--period", "2026-06", "--format", "csv", "--output", file.path]).status == 0)
        #expect(try String(contentsOf: file, encoding: .utf8).contains(","))
        let bad = try a.run(["report", "--period", "last tuesday"])
        #expect(bad.status == 65 && bad.err.contains("last tuesday"))
        try a.addUser("aigerim", role: "worker")
        #expect(try a.run(["report", "--period", "2026-06", "--line-list"], as: "aigerim").status == 77)
    }

    @Test func syncBetweenTwoStores() throws {
        let almaty = try TestStore(), temirtau = try TestStore(point: "temirtau")
        #expect(try almaty.run(["contact", "add", "--client", "ANSE185", "--new-client", "--pack", "injecting"]).status == 0)
        let keyA = try almaty.run(["sync", "identity"]).out.split(separator: "\n").first { $0.hasPrefix("senim1:") }
        let keyT = try temirtau.run(["sync", "identity"]).out.split(separator: "\n").first { $0.hasPrefix("senim1:") }
        let a = try #require(keyA), t = try #require(keyT)
        #expect(try almaty.run(["sync", "trust", "temirtau", String(t)]).status == 0)
        #expect(try temirtau.run(["sync", "trust", "almaty", String(a)]).status == 0)
        #expect(try temirtau.run(["sync", "trust", "junk", "senim1:nonsense"]).status == 65)
        let peers = try almaty.run(["sync", "peers", "--json"]).json()
        let list = try #require(peers["peers"] as? [[String: Any]])
        #expect(list.count == 1 && list[0]["name"] as? String == "temirtau")
        #expect(Set(list[0].keys) == ["name", "key", "fingerprint", "bundlesSent", "acknowledged", "bundlesImported",
                                      "missing", "lastExportAt", "lastImportAt"])
        #expect(list[0]["key"] as? String == String(t) && list[0]["lastExportAt"] is NSNull)
        let bundle = almaty.dir.deletingLastPathComponent().appendingPathComponent("b-\(UUID().uuidString).senim")
        defer { try? FileManager.default.removeItem(at: bundle) }
        let ex = try almaty.run(["sync", "export", "--to", "temirtau", "--out", bundle.path])
        #expect(ex.status == 0, "\(ex)")
        let im = try temirtau.run(["sync", "import", bundle.path])
        #expect(im.status == 0, "\(im)")
        #expect(im.out.contains("new events"))
        let clients = try temirtau.run(["client", "list", "--json"]).json()["clients"] as? [[String: Any]]
        #expect(clients?.map { $0["code"] as? String } == ["ANSE185"])
        // A replayed bundle is refused and changes nothing; so is a damaged one.
        let before = try temirtau.eventCount()
        #expect(try temirtau.run(["sync", "import", bundle.path]).status == 65)
        var bytes = try Data(contentsOf: bundle)
        bytes[bytes.count - 40] ^= 1
        try bytes.write(to: bundle)
        #expect(try temirtau.run(["sync", "import", bundle.path]).status == 65)
        #expect(try temirtau.eventCount() == before)
        #expect(try temirtau.run(["sync", "export", "--to", "nobody", "--out", bundle.path]).status == 65)
        // Only coordinators sign: a worker's export is refused (77) with the reason, and writes no file.
        try almaty.addUser("aigerim", role: "worker")
        let out = almaty.dir.deletingLastPathComponent().appendingPathComponent("w-\(UUID().uuidString).senim")
        let w = try almaty.run(["sync", "export", "--to", "temirtau", "--out", out.path], as: "aigerim")
        #expect(w.status == 77, "\(w)")
        #expect(w.err.contains("Only a coordinator can sign sync bundles"), "\(w)")
        #expect(!FileManager.default.fileExists(atPath: out.path))
        // The identity line is public: the worker may show it, not replace it.
        #expect(try almaty.run(["sync", "identity"], as: "aigerim").out.contains(String(a)))
        #expect(try almaty.run(["sync", "identity", "--new"], as: "aigerim").status == 77)
        let renewed = try almaty.run(["sync", "identity", "--new"])
        #expect(renewed.status == 0 && !renewed.out.contains(String(a)) && renewed.out.contains("senim1:"), "\(renewed)")
    }

    @Test func demoCreatesAStoreWithUsersAndSixMonthsOfData() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("senim-demo-test-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try CLI.run(["demo", "--no-tui", "--json", "--store", dir.path, "--seed", "3", "--contacts", "800"])
        #expect(r.status == 0, "\(r)")
        let demo = try r.json()
        #expect(Set(demo.keys) == ["store", "users", "events", "contacts"])
        #expect(demo["store"] as? String == dir.path)
        let users = try #require(demo["users"] as? [[String: Any]])
        #expect(users.compactMap { $0["role"] as? String }.sorted() == ["coordinator", "psychologist", "worker", "worker"])
        #expect(Set(users.compactMap { $0["point"] as? String }) == ["almaty-central", "almaty-mobile"])
        for u in users {
            let name = u["name"] as! String, pass = u["passphrase"] as! String
            let open = try CLI.run(["client", "list", "--json"], env: ["SENIM_STORE": dir.path, "SENIM_USER": name, "SENIM_PASSPHRASE": pass])
            #expect(open.status == 0, "\(name) cannot open the demo store: \(open)")
        }
        let coordinator = users.first { $0["role"] as? String == "coordinator" }!
        let env = ["SENIM_STORE": dir.path, "SENIM_USER": coordinator["name"] as! String,
                   "SENIM_PASSPHRASE": coordinator["passphrase"] as! String]
        let clients = try CLI.run(["client", "list", "--json"], env: env).json()["clients"] as? [Any]
        #expect((100...300).contains(clients?.count ?? 0), "clients seen: \(clients?.count ?? 0) of 300")
        let contacts = try CLI.run(["contact", "list", "--json"], env: env).json()["contacts"] as? [[String: Any]]
        #expect((700...800).contains(contacts?.count ?? 0))
        #expect(Set(contacts?.compactMap { $0["point"] as? String } ?? []) == ["almaty-central", "almaty-mobile"])
        let referrals = try CLI.run(["referral", "list", "--json"], env: env).json()["referrals"] as? [Any]
        #expect((referrals?.count ?? 0) > 5)
        // Never over an existing store.
        let again = try CLI.run(["demo", "--no-tui", "--store", dir.path])
        #expect(again.status == 73)
        // By default: a new temporary folder.
        let tmp = try CLI.run(["demo", "--no-tui", "--json", "--contacts", "50", "--clients", "20"])
        #expect(tmp.status == 0, "\(tmp)")
        let path = try #require(try tmp.json()["store"] as? String)
        #expect(path.contains("senim-demo-"))
        try? FileManager.default.removeItem(atPath: path)
    }
}
