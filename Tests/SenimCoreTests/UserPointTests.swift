import Foundation
import Testing
@testable import SenimCore

/// A user's own trust point (`user-point-set`, kind 14): recorded by coordinators, the latest
/// wins, a removal forgets it, and without one (old stores) the store's point applies.
@Suite struct UserPointTests {
    static func event(_ n: UInt64, at: Timestamp, _ body: EventBody) -> Event {
        Event(id: EventID(high: n, low: n), at: at, author: "bolat", device: DeviceID(3), site: "almaty-central", body: body)
    }

    @Test func theCodecRoundTripsAndRefusesEveryCut() throws {
        let e = Self.event(1, at: 100, .userPointSet(name: "Әсел", point: "almaty-mobile"))
        let bytes = EventCodec.encode(e)
        #expect(try EventCodec.decode(bytes) == e)
        #expect(bytes[bytes.count - "almaty-mobile".utf8.count - 1 - "Әсел".utf8.count - 2] == 14)
        for cut in 0..<bytes.count {
            #expect(throws: CodecError.self) { try EventCodec.decode(Array(bytes.prefix(cut))) }
        }
        #expect(e.freeTexts == ["Әсел"])
    }

    @Test func theLatestPointWinsAndARemovalForgetsIt() {
        let v = Fixtures.validator
        let events = [
            Self.event(1, at: 10, .userAdded(name: "timur", role: .worker)),
            Self.event(2, at: 11, .userPointSet(name: "timur", point: "temirtau")),
            Self.event(3, at: 12, .userPointSet(name: "timur", point: "almaty-mobile")),
        ]
        for s in [LedgerState.fold(events.reversed()), ReferenceFold.fold(events)] {
            #expect(s.userPoints["timur"] == "almaty-mobile")
            #expect(v.point(ofUser: "timur", in: s, storePoint: "almaty-central") == "almaty-mobile")
            #expect(v.point(ofUser: "aigerim", in: s, storePoint: "almaty-central") == "almaty-central")
        }
        let removed = LedgerState.fold(events + [Self.event(4, at: 13, .userRemoved(name: "timur"))])
        #expect(removed.userPoints["timur"] == nil)
        // A point no longer in the points file falls back to the store's.
        let gone = LedgerState.fold([Self.event(5, at: 1, .userPointSet(name: "timur", point: "closed-point"))])
        #expect(v.point(ofUser: "timur", in: gone, storePoint: "almaty-central") == "almaty-central")
    }

    @Test func theValidatorChecksThePointTheNameAndTheRole() throws {
        let v = Fixtures.validator
        let e = try v.setUserPoint("timur", point: "almaty-mobile", ctx: Fixtures.ctx(.coordinator))
        #expect(e.body == .userPointSet(name: "timur", point: "almaty-mobile"))
        #expect(Policy.action(for: e.body) == .manageUsers)
        func refusal(_ name: String, _ p: String, _ role: Role = .coordinator) -> String? {
            do { _ = try v.setUserPoint(name, point: p, ctx: Fixtures.ctx(role)); return nil } catch { return error.key }
        }
        #expect(refusal("timur", "atlantis") == "validate.point.unknown")
        #expect(refusal("a b!", "almaty-mobile") == "validate.user.name")
        #expect(refusal("timur", "almaty-mobile", .worker) == "policy.denied")
    }

    /// A mobile worker's contacts default to the mobile contact type.
    @Test func theUsersPointSetsTheDefaultContactType() throws {
        let v = Fixtures.validator
        let events = try v.contact(Validator.ContactInput(client: "MAIV285", items: [("needle", 2)]),
                                   ctx: Fixtures.ctx(site: "almaty-mobile"), known: { _ in true }, nearDuplicates: { _ in [] }, newClient: false)
        guard case .contactLogged(let c)? = events.last?.body else { Issue.record("no contact"); return }
        #expect(c.type == "mobile" && events.last?.site == "almaty-mobile")
    }
}
