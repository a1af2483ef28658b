import Foundation
import Testing
@testable import SenimCore
import SenimTestSupport

/// Write-off of a chosen lot: the codec keeps old write-offs byte-identical and readable, the
/// ledger takes the chosen lot first on every path (as the plain reference below does), and
/// the validator refuses a lot that is not there or has too little.
@Suite struct LotWriteOffTests {
    static func event(_ n: UInt64, at: Timestamp, site: String = "almaty-central", _ body: EventBody) -> Event {
        Event(id: EventID(high: n, low: n), at: at, author: "bolat", device: DeviceID(3), site: site, body: body)
    }

    /// A write-off as format version 1 wrote it before lots could be chosen, byte by byte from
    /// docs/file-format.md: id 1/1, at 100, author "ai", device 3, site "s1", kind 6, item
    /// "naloxone", quantity 4, reason "expired".
    static let oldWriteOffBytes: [UInt8] = {
        func str(_ s: String) -> [UInt8] { [UInt8(s.utf8.count)] + Array(s.utf8) }
        var b: [UInt8] = [1]
        b += [1, 0, 0, 0, 0, 0, 0, 0] + [1, 0, 0, 0, 0, 0, 0, 0]
        b += [200, 1]                                   // at 100 (zig-zag 200)
        b += str("ai") + [3, 0, 0, 0, 0, 0, 0, 0] + str("s1")
        b += [6]                                        // kind: stock-written-off
        b += str("naloxone") + [8]                      // quantity 4 (zig-zag 8)
        b += str("expired")
        return b
    }()

    @Test func oldWriteOffBytesStillDecodeAndEncodeTheSame() throws {
        let e = try EventCodec.decode(Self.oldWriteOffBytes)
        #expect(e.body == .stockWrittenOff(StockWriteOff(item: "naloxone", quantity: 4, reason: .expired)))
        #expect(EventCodec.encode(e) == Self.oldWriteOffBytes)
        var loader = LedgerLoader(catalogue: Fixtures.catalogue)
        try loader.load(encoded: Self.oldWriteOffBytes)
        #expect(loader.finish().level(site: "s1", item: "naloxone")?.level == -4)
    }

    @Test func aChosenLotRoundTripsAfterAnEmptyReasonMarker() throws {
        let e = Self.event(2, at: 100, .stockWrittenOff(StockWriteOff(item: "naloxone", quantity: 4, reason: .damaged, lot: "NX-25С")))
        let bytes = EventCodec.encode(e)
        #expect(try EventCodec.decode(bytes) == e)
        let plain = EventCodec.encode(Self.event(2, at: 100, .stockWrittenOff(StockWriteOff(item: "naloxone", quantity: 4, reason: .damaged))))
        let at = bytes.indices.first { bytes[$0] != plain[$0] }!
        #expect(bytes[at] == 0 && plain[at] == UInt8("damaged".utf8.count))
        // Streams of records (the loader reads them back to back) keep their boundaries.
        var loader = LedgerLoader(catalogue: Fixtures.catalogue)
        try loader.load(encoded: bytes + plain + Self.oldWriteOffBytes)
        #expect(loader.recordsRead == 3)
        for cut in 0..<bytes.count {
            #expect(throws: CodecError.self) { try EventCodec.decode(Array(bytes.prefix(cut))) }
        }
        // The marker then an unknown reason, or a second marker, is refused.
        func str(_ s: String) -> [UInt8] { [UInt8(s.utf8.count)] + Array(s.utf8) }
        #expect(throws: CodecError.self) { try EventCodec.decode(Array(bytes.prefix(at)) + [0] + str("odd") + str("L")) }
        #expect(throws: CodecError.self) { try EventCodec.decode(Array(bytes.prefix(at)) + [0, 0] + str("damaged") + str("L")) }
        #expect(try EventCodec.decode(Array(bytes.prefix(at)) + [0] + str("lost") + str("L")).body
                == .stockWrittenOff(StockWriteOff(item: "naloxone", quantity: 4, reason: .lost, lot: "L")))
    }

    static func lotsFixture() throws -> (Validator, [Event]) {
        let v = Fixtures.validator
        let c = { (id: UInt64, at: Timestamp) in Fixtures.ctx(.coordinator, at: at, id: id) }
        let a = try v.receive(item: "naloxone", quantity: 10, lot: "A", expires: 20_000, ctx: c(1, 10))
        let b = try v.receive(item: "naloxone", quantity: 20, lot: "B", expires: 21_000, ctx: c(2, 11))
        let b2 = try v.receive(item: "naloxone", quantity: 5, lot: "B", expires: 22_000, ctx: c(3, 12))
        return (v, [a, b, b2])
    }

    @Test func theLedgerTakesTheChosenLotThenFEFO() throws {
        let (v, received) = try Self.lotsFixture()
        let s0 = LedgerState.fold(received, catalogue: Fixtures.catalogue)
        let lots = try #require(s0.level(site: "almaty-central", item: "naloxone")).lots
        let w = try v.writeOff(item: "naloxone", quantity: 22, reason: .damaged, lot: "B", lots: lots,
                               ctx: Fixtures.ctx(.coordinator, at: 20, id: 4))
        // Both receipts of lot B (earliest expiry first); lot A untouched.
        for s in [LedgerState.fold(received + [w], catalogue: Fixtures.catalogue), ReferenceFold.fold(received + [w], catalogue: Fixtures.catalogue)] {
            let lvl = try #require(s.level(site: "almaty-central", item: "naloxone"))
            #expect(lvl.level == 13)
            #expect(lvl.lots.map { "\($0.lot ?? "-"):\($0.remaining)" } == ["A:10", "B:3"])
        }
        // FEFO without a lot, as before: A first.
        let fefo = try v.writeOff(item: "naloxone", quantity: 12, reason: .damaged, ctx: Fixtures.ctx(.coordinator, at: 20, id: 4))
        let s = LedgerState.fold(received + [fefo], catalogue: Fixtures.catalogue)
        #expect(s.level(site: "almaty-central", item: "naloxone")!.lots.map(\.remaining) == [18, 5])
        // A synced write-off finding less in its lot takes the rest FEFO (the ledger never refuses).
        let big = Self.event(9, at: 30, .stockWrittenOff(StockWriteOff(item: "naloxone", quantity: 30, reason: .lost, lot: "B")))
        let s2 = LedgerState.fold(received + [big], catalogue: Fixtures.catalogue)
        #expect(s2.level(site: "almaty-central", item: "naloxone")!.lots.map { "\($0.lot ?? "-"):\($0.remaining)" } == ["A:5"])
    }

    @Test func theValidatorRefusesUnknownShortAndBadLots() throws {
        let (v, received) = try Self.lotsFixture()
        let lots = LedgerState.fold(received, catalogue: Fixtures.catalogue).level(site: "almaty-central", item: "naloxone")!.lots
        let ctx = Fixtures.ctx(.coordinator, at: 20, id: 4)
        func refusal(_ q: Int, _ lot: String?, _ lots: [Lot]) -> Message? {
            do { _ = try v.writeOff(item: "naloxone", quantity: q, reason: .expired, lot: lot, lots: lots, ctx: ctx); return nil }
            catch { return error }
        }
        let unknown = try #require(refusal(1, "C", lots))
        #expect(unknown.key == "validate.lot.unknown" && unknown.args == ["C", "naloxone", "almaty-central", "A, B"])
        #expect(refusal(1, "A", [])?.args.last == "—")
        let short = try #require(refusal(26, "B", lots))
        #expect(short.key == "validate.lot.short" && short.args == ["B", "naloxone", "25", "26"])
        #expect(refusal(25, "B", lots) == nil)
        #expect(refusal(-3, "B", lots)?.key == "validate.quantity.negative")
        #expect(refusal(0, "B", lots)?.key == "validate.quantity.negative")
        #expect(refusal(1, "  ", lots)?.key == "validate.lot.blank")
        #expect(refusal(1, "ИИН 900101300126", lots)?.key.hasPrefix("privacy") == true)
        // The lot number is kept as the lot was received (trimmed like a typed one).
        let e = try v.writeOff(item: "naloxone", quantity: 2, reason: .expired, lot: " A ", lots: lots, ctx: ctx)
        #expect(e.body == .stockWrittenOff(StockWriteOff(item: "naloxone", quantity: 2, reason: .expired, lot: "A")))
        #expect(e.freeTexts == ["A"])
        // Content check for events from elsewhere.
        #expect(throws: Message.self) { try v.check(StockWriteOff(item: "naloxone", quantity: 1, reason: .lost, lot: "")) }
        try v.check(StockWriteOff(item: "naloxone", quantity: 1, reason: .lost, lot: "NX-1"))
    }

    @Test func expiryMarksComeFromOneRule() {
        #expect(Validator.lotExpiry(69, today: 70) == .expired)
        #expect(Validator.lotExpiry(70, today: 70) == .expiresSoon)
        #expect(Validator.lotExpiry(100, today: 70) == .expiresSoon)
        #expect(Validator.lotExpiry(101, today: 70) == nil)
        #expect(Validator.lotExpiry(nil, today: 70) == nil)
    }

    /// Random receipts, contacts and write-offs (some of a chosen lot) at two sites: the
    /// ledger's one path and the reference fold agree with the plain lot model below.
    @Test(arguments: 0..<8)
    func ledgerMatchesPlainLotModel(seed: UInt64) throws {
        var g = SplitMix(seed: seed &+ 77)
        let sites = ["almaty-central", "temirtau"]
        let items = ["naloxone", "syringe-1ml"]
        var events: [Event] = []
        for n in 0..<200 {
            let site = sites[Int(g.next() % 2)], item = items[Int(g.next() % 2)]
            let q = Int32(g.next() % 30) + 1
            let lot = "L\(g.next() % 4)"
            let body: EventBody = switch g.next() % 4 {
            case 0: .stockReceived(StockReceipt(item: item, quantity: q * 3, lot: g.next() % 5 == 0 ? nil : lot,
                                                expires: g.next() % 4 == 0 ? nil : DayNumber(20_000 + g.next() % 50)))
            case 1: .contactLogged(Contact(client: UIC(normalised: "MAIV285"), type: "stationary", items: [ItemQuantity(item: item, quantity: q)]))
            case 2: .stockWrittenOff(StockWriteOff(item: item, quantity: q, reason: .expired, lot: lot))
            default: .stockWrittenOff(StockWriteOff(item: item, quantity: q, reason: .damaged))
            }
            events.append(Event(id: EventID(high: UInt64(n) + 1, low: g.next()), at: Timestamp(n), author: "bolat",
                                device: DeviceID(1), site: site, body: body))
        }
        let plain = PlainLots.fold(events)
        var loader = LedgerLoader(catalogue: Fixtures.catalogue)
        try loader.load(encoded: PerfLoaderTests.encode(events))
        for s in [LedgerState.fold(events.shuffled(using: &g), catalogue: Fixtures.catalogue),
                  ReferenceFold.fold(events, catalogue: Fixtures.catalogue), loader.finish()] {
            for site in sites {
                for item in items {
                    let lvl = s.level(site: site, item: item)
                    let key = "\(site)/\(item)"
                    #expect(lvl?.level ?? 0 == plain.levels[key] ?? 0, "\(key)")
                    #expect((lvl?.lots ?? []).map { "\($0.lot ?? "-")@\($0.expires.map(String.init) ?? "-"):\($0.remaining)" }
                            == (plain.lots[key] ?? []).map { "\($0.lot ?? "-")@\($0.expires.map(String.init) ?? "-"):\($0.remaining)" }, "\(key)")
                }
            }
        }
    }
}
