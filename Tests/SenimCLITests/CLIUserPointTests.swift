import Foundation
import Testing

/// `senim user add --point`: the user's own trust point, listed by `user list`, and the site
/// and default contact type of what they record.
@Suite struct CLIUserPointTests {
    @Test func aUsersPointIsListedAndUsedForTheirContacts() throws {
        let s = try TestStore()
        let oneTime = "timur's one-time passphrase"
        let add = try s.withFile(oneTime) {
            try s.run(["user", "add", "timur", "--role", "worker", "--point", "almaty-mobile", "--new-passphrase-file", $0])
        }
        #expect(add.status == 0, "\(add)")
        s.passphrases["timur"] = oneTime
        try s.choosePassphrase("timur", "timur's own passphrase")
        let list = try s.run(["user", "list", "--json"]).json()
        let users = try #require(list["users"] as? [[String: Any]])
        #expect(users.allSatisfy { Set($0.keys) == ["name", "role", "point"] })
        #expect(users.first { $0["name"] as? String == "timur" }?["point"] as? String == "almaty-mobile")
        #expect(users.first { $0["name"] as? String == "dana" }?["point"] as? String == "almaty-central")
        let table = try s.run(["user", "list"], env: ["LANG": "ru_RU.UTF-8"])
        #expect(table.out.contains("Алматы, мобильный пункт доверия"), "\(table)")
        // Timur's contact: at the mobile point, of the mobile type.
        #expect(try s.run(["client", "add", "MAIV285"], as: "timur").status == 0)
        #expect(try s.run(["contact", "add", "--client", "MAIV285", "--item", "needle=2"], as: "timur").status == 0)
        let contacts = try #require(try s.run(["contact", "list", "--json"]).json()["contacts"] as? [[String: Any]])
        #expect(contacts.count == 1)
        #expect(contacts.first?["point"] as? String == "almaty-mobile" && contacts.first?["type"] as? String == "mobile")
        // An unknown point is refused before the account exists.
        let bad = try s.withFile("x's one-time passphrase") {
            try s.run(["user", "add", "xenia", "--role", "worker", "--point", "atlantis", "--new-passphrase-file", $0])
        }
        #expect(bad.status == 65 && bad.err.contains("atlantis"), "\(bad)")
        #expect(try !(s.run(["user", "list"]).out.contains("xenia")))
    }

    /// `senim user point`: a user added before points existed gets one later.
    @Test func anExistingUserGetsAPoint() throws {
        let s = try TestStore()
        try s.addUser("aigerim", role: "worker")
        let set = try s.run(["user", "point", "aigerim", "temirtau"], env: ["LANG": "ru_RU.UTF-8"])
        #expect(set.status == 0 && set.out.contains("aigerim"), "\(set)")
        let users = try #require(try s.run(["user", "list", "--json"]).json()["users"] as? [[String: Any]])
        #expect(users.first { $0["name"] as? String == "aigerim" }?["point"] as? String == "temirtau")
        #expect(try s.run(["user", "point", "nobody", "temirtau"]).status == 65)
        #expect(try s.run(["user", "point", "aigerim", "atlantis"]).status == 65)
        #expect(try s.run(["user", "point", "dana", "temirtau"], as: "aigerim").status == 77)
    }
}
