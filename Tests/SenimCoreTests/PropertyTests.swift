import Testing
import SenimCore
import SenimTestSupport

/// Random event sequences and random text through the core: no crash, and the fold is
/// independent of order.
@Suite struct PropertyTests {
    static let sites = ["almaty-central", "almaty-mobile", "temirtau"]
    static let codes = ["MAIV285", "MAIB285", "KOLA185", "ZASA190", "AXLI201", "TEST199"].map(UIC.init(normalised:))

    static func randomEvents(_ n: Int, _ g: inout SplitMix) -> [Event] {
        let items = Fixtures.catalogue.items.map(\.id) + ["retired-item"]
        var out: [Event] = []
        var referrals: [EventID] = []
        var transfers: [(EventID, String)] = []
        for _ in 0..<n {
            let id = EventID.random(using: &g)
            let at = Timestamp(g.next() % 1_000)   // many ties on purpose
            let site = sites.randomElement(using: &g)!
            let item = items.randomElement(using: &g)!
            let q = Int32(g.next() % 50) + 1
            let client = codes.randomElement(using: &g)!
            let body: EventBody
            switch g.next() % 12 {
            case 0: body = .clientRegistered(client)
            case 1, 2, 3:
                body = .contactLogged(Contact(client: client, type: "stationary", items: [ItemQuantity(item: item, quantity: q)],
                                              services: g.next() % 2 == 0 ? ["hiv-test"] : [], overdose: nil, note: nil, packs: []))
            case 4: body = .stockReceived(StockReceipt(item: item, quantity: q * 10, lot: "L\(q)", expires: DayNumber(g.next() % 100)))
            case 5:
                body = .stockTransferred(StockTransfer(item: item, quantity: q, to: sites.randomElement(using: &g)!))
                transfers.append((id, item))
            case 6:
                if let t = transfers.randomElement(using: &g) {
                    body = .stockTransferReceived(TransferReceipt(transfer: t.0, item: t.1, quantity: q, from: site))
                } else { body = .stockCounted(StockCount(item: item, counted: q)) }
            case 7: body = .stockWrittenOff(StockWriteOff(item: item, quantity: q, reason: .damaged, lot: g.next() % 2 == 0 ? "L\(g.next() % 50 + 1)" : nil))
            case 8: body = .stockCounted(StockCount(item: item, counted: q))
            case 9:
                body = .referralIssued(ReferralIssue(client: client, service: "oat", due: nil, note: nil))
                referrals.append(id)
            case 10:
                let r = referrals.randomElement(using: &g) ?? id
                body = .referralUpdated(ReferralUpdate(referral: r, status: ReferralStatus.allCases.randomElement(using: &g)!,
                                                       note: nil, basedOn: g.next() % 2 == 0 ? r : nil))
            default:
                body = .clientsMerged(from: client, into: codes.randomElement(using: &g)!)
            }
            out.append(Event(id: id, at: at, author: "w\(g.next() % 3)", device: DeviceID(g.next() % 3), site: site, body: body))
        }
        return out
    }

    /// A canonical digest of the state (everything observable).
    static func digest(_ s: LedgerState) -> String {
        var parts: [String] = []
        parts.append("clients:" + s.clients.map { "\($0.uic.code)/\($0.firstSeen)/\($0.contacts)/\($0.mergedInto.map { s.clients[Int($0)].uic.code } ?? "-")" }.sorted().joined(separator: ","))
        parts.append("contacts:" + s.contacts.map { "\($0.id)@\($0.at)" }.joined(separator: ","))
        parts.append("stock:" + s.stock.map { "\(s.sites[$0.key.site])/\(s.items[$0.key.item])=\($0.value.level),\($0.value.discrepancies),\($0.value.lots.map { "\($0.lot ?? "-"):\($0.remaining)" })" }.sorted().joined(separator: ";"))
        parts.append("referrals:" + s.referralList.map { "\($0.id):\($0.status):\($0.conflict):\($0.history.map(\.id))" }.joined(separator: ";"))
        parts.append("transit:" + s.transfersInTransit.map(\.id.description).joined(separator: ","))
        parts.append("events:\(s.eventCount)")
        return parts.joined(separator: "\n")
    }

    @Test(arguments: 0..<20)
    func foldIsIndependentOfOrderAndRepeats(seed: UInt64) {
        var g = SplitMix(seed: seed)
        let events = Self.randomEvents(300, &g)
        let reference = Self.digest(LedgerState.fold(events, catalogue: Fixtures.catalogue))
        var shuffled = events
        shuffled.shuffle(using: &g)
        #expect(Self.digest(LedgerState.fold(shuffled, catalogue: Fixtures.catalogue)) == reference)
        // Repeated events (a bundle imported twice) change nothing.
        let doubled = shuffled + events.prefix(100)
        #expect(Self.digest(LedgerState.fold(doubled, catalogue: Fixtures.catalogue)) == reference)
        // Appending in canonical order gives the same state as folding.
        var s = LedgerState(catalogue: Fixtures.catalogue)
        for e in events.sorted(by: Event.foldsBefore) { let ok_e = s.append(e); #expect(ok_e) }
        #expect(Self.digest(s) == reference)
    }

    @Test(arguments: 0..<5)
    func codecRoundTripsRandomEvents(seed: UInt64) throws {
        var g = SplitMix(seed: seed &+ 100)
        for e in Self.randomEvents(500, &g) {
            #expect(try EventCodec.decode(EventCodec.encode(e)) == e)
        }
        let note = Event(id: EventID(high: 1, low: 2), at: -5, author: "Әсел", device: DeviceID(.max), site: "темиртау",
                         body: .contactLogged(Contact(client: UIC(normalised: "AS285"), type: "street", items: [], services: [],
                                                      overdose: "fatal", note: "Заметка 🙂 ̆", packs: ["1"])))
        #expect(try EventCodec.decode(EventCodec.encode(note)) == note)
    }

    @Test func decoderNeverTrapsOnGarbageOrMutations() {
        var g = SplitMix(seed: 42)
        let samples = Self.randomEvents(200, &g).map(EventCodec.encode)
        var decoded = 0
        for _ in 0..<20_000 {
            var bytes = samples.randomElement(using: &g)!
            switch g.next() % 4 {
            case 0: bytes = (0..<Int(g.next() % 80)).map { _ in UInt8.random(in: 0...255, using: &g) }
            case 1: bytes = Array(bytes.prefix(Int(g.next() % UInt64(bytes.count + 1))))
            case 2: bytes[Int(g.next() % UInt64(bytes.count))] ^= UInt8(1 << (g.next() % 8))
            default: bytes.insert(UInt8.random(in: 0...255, using: &g), at: Int(g.next() % UInt64(bytes.count)))
            }
            if let e = try? EventCodec.decode(bytes) {
                decoded += 1
                _ = LedgerState.fold([e], catalogue: Fixtures.catalogue)   // whatever decodes must fold
            }
        }
        #expect(decoded < 20_000)
    }

    @Test func randomTextNeverCrashesTheGuardOrTheFormula() {
        var g = SplitMix(seed: 7)
        let alphabet = Array("0123456789 +-().@_аәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюяABCXYZ８５\u{0301}\u{00A0}🙂字")
        for _ in 0..<5_000 {
            let text = String((0..<Int(g.next() % 40)).map { _ in alphabet.randomElement(using: &g)! })
            _ = PrivacyGuard.check(text)
            _ = Fixtures.formula.parse(text)
            _ = Letters.letters(of: text)
            _ = try? Fixtures.formula.build(answers: ["mother": text, "father": text, "sex": text, "birthYear": text])
        }
    }
}
