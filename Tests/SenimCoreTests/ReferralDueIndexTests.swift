import Testing
import SenimCore
import SenimTestSupport

/// `openReferrals(dueThrough:)` reads an index the ledger keeps; it must answer exactly what a
/// scan of every referral answers, however the events arrived.
@Suite struct ReferralDueIndexTests {
    static func scan(_ l: LedgerState, through day: DayNumber) -> [ReferralRecord] {
        l.referralList.enumerated()
            .filter { !$0.element.status.isClosed && ($0.element.due ?? .max) <= day }
            .sorted { a, b in
                (a.element.due!, a.element.issuedAt, a.offset) < (b.element.due!, b.element.issuedAt, b.offset)
            }
            .map(\.element)
    }

    @Test(arguments: 0..<4)
    func indexEqualsScan(seed: UInt64) {
        var g = SplitMix(seed: seed &+ 900)
        var events: [Event] = []
        var issued: [EventID] = []
        for i in 0..<600 {
            let id = EventID.random(using: &g)
            let at = Timestamp(g.next() % 500)
            let body: EventBody
            if issued.isEmpty || g.next() % 3 == 0 {
                let due: DayNumber? = g.next() % 5 == 0 ? nil : DayNumber(g.next() % 40)
                body = .referralIssued(ReferralIssue(client: UIC(normalised: "AB\(i % 50)"), service: "oat", due: due))
                issued.append(id)
            } else {
                let r = issued.randomElement(using: &g)!
                body = .referralUpdated(ReferralUpdate(referral: r, status: ReferralStatus.allCases.randomElement(using: &g)!,
                                                       basedOn: g.next() % 2 == 0 ? r : nil))
            }
            events.append(Event(id: id, at: at, author: "w", device: DeviceID(1), site: "temirtau", body: body))
        }
        var shuffled = events
        shuffled.shuffle(using: &g)
        for l in [LedgerState.fold(events), LedgerState.fold(shuffled), ReferenceFold.fold(events)] {
            for day: DayNumber in [-1, 0, 5, 17, 39, 100] {
                #expect(l.openReferrals(dueThrough: day) == Self.scan(l, through: day), "day \(day)")
            }
        }
        // Appending one by one keeps it current too.
        var appended = LedgerState()
        for e in events.sorted(by: Event.foldsBefore) { appended.append(e) }
        #expect(appended.openReferrals(dueThrough: 20) == Self.scan(appended, through: 20))
        #expect(!Self.scan(appended, through: 20).isEmpty)
    }
}
