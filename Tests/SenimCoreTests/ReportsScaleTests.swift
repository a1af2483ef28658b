import Foundation
import Testing
@testable import SenimCore
import SenimTestSupport

/// Synthetic ledgers: the single-pass engine against a slow, obvious reference, and a large
/// report that must complete (no timing: speed is measured by the benchmark).
@Suite struct ReportsScaleTests {
    static let sites = ["almaty-central", "almaty-mobile", "temirtau", "shymkent-outreach"]
    static let types = ["stationary", "mobile", "street", "drop-in"]
    static let items = ["syringe-1ml", "syringe-2ml", "needle", "alcohol-wipe", "condom", "naloxone", "foil", "old-item"]

    /// `contacts` contacts over 2026 among `clients` codes, with merges, overdoses, referrals and stock.
    static func synthetic(contacts: Int, clients: Int, workers: Int, seed: UInt64) -> [Event] {
        var g = SplitMix(seed: seed)
        var events: [Event] = []
        events.reserveCapacity(contacts + contacts / 20)
        let letters = Array("ABCDEFGHIKLMNOPRSTUVZ")
        let codes: [UIC] = (0..<clients).map { i in
            var x = i
            var s = ""
            for _ in 0..<4 { s.append(letters[x % letters.count]); x /= letters.count }
            s += (i % 3 == 0) ? "2" : "1"
            s += String(format: "%02d", (60 + (i * 7) % 46) % 100)   // born 1960…2005
            return UIC(normalised: s)
        }
        let start = LedgerBuilder.almaty(2025, 12, 1, 0)
        let span = Int64(LedgerBuilder.almaty(2027, 1, 15, 0) - start)
        var n: UInt64 = 1
        func id() -> EventID { n += 1; return EventID(high: n, low: g.next()) }
        let outcomes = ["reversed-naloxone", "reversed-other", "ambulance", "fatal", "unknown"]
        var referrals: [EventID] = []
        for _ in 0..<contacts {
            let at = start + Int64(g.next() % UInt64(span))
            let site = sites[Int(g.next() % UInt64(sites.count))]
            let client = codes[Int(g.next() % UInt64(clients))]
            var lines: [ItemQuantity] = []
            for it in items where g.next() % 3 == 0 { lines.append(ItemQuantity(item: it, quantity: Int32(g.next() % 20) + 1)) }
            let od: String? = g.next() % 50 == 0 ? outcomes[Int(g.next() % 5)] : nil
            events.append(Event(id: id(), at: at, author: "w\(g.next() % UInt64(workers))", device: DeviceID(1), site: site,
                                body: .contactLogged(Contact(client: client, type: types[Int(g.next() % 4)], items: lines, overdose: od))))
            if g.next() % 40 == 0 {
                let rid = id()
                referrals.append(rid)
                events.append(Event(id: rid, at: at + 60, author: "w\(g.next() % UInt64(workers))", device: DeviceID(1), site: site,
                                    body: .referralIssued(ReferralIssue(client: client, service: ["hiv-test", "oat", "legal-aid"][Int(g.next() % 3)]))))
            }
            if g.next() % 60 == 0, let r = referrals.randomElement(using: &g) {
                events.append(Event(id: id(), at: at + 3_600, author: "w0", device: DeviceID(1), site: site,
                                    body: .referralUpdated(ReferralUpdate(referral: r, status: ReferralStatus.allCases.randomElement(using: &g)!))))
            }
            if g.next() % 500 == 0 {
                let a = codes[Int(g.next() % UInt64(clients))], b = codes[Int(g.next() % UInt64(clients))]
                events.append(Event(id: id(), at: at, author: "coord", device: DeviceID(1), site: site, body: .clientsMerged(from: a, into: b)))
            }
            if g.next() % 200 == 0 {
                events.append(Event(id: id(), at: at, author: "coord", device: DeviceID(1), site: site,
                                    body: .stockReceived(StockReceipt(item: items[Int(g.next() % 6)], quantity: 1_000, lot: "L",
                                                                      expires: DayNumber(20_500 + Int(g.next() % 400))))))
            }
        }
        return events
    }

    /// Reference figures computed the obvious way: names, dictionaries and sets.
    static func reference(_ ledger: LedgerState, _ config: Configuration, _ period: ReportPeriod, point: String?,
                          by: Disaggregation?) -> [String: [String: Double]] {
        let start = period.startTimestamp, end = period.endTimestamp
        let year = Calendar.current.dateComponents(in: period.timeZone, from: period.start).year!
        var first: [Int32: Timestamp] = [:]
        for i in ledger.clients.indices {
            let c = ledger.canonical(Int32(i))
            first[c] = min(first[c] ?? .max, ledger.clients[i].firstSeen)
        }
        func column(_ c: ContactRecord) -> String {
            let uic = ledger.clients[Int(ledger.canonical(c.client))].uic
            switch by {
            case nil: return "total"
            case .sex?: return config.uic.sex(of: uic) ?? "unknown"
            case .age?:
                guard let b = config.uic.birthYear(of: uic, referenceYear: year) else { return "unknown" }
                return year - b < 25 ? "under-25" : "25-plus"
            case .point?: return ledger.sites[c.site]
            case .worker?: return ledger.workers[c.worker]
            case .type?: return ledger.contactTypes[c.type]
            // Synthetic ledgers carry no profiles, so no gender is recorded (ReportsProfileTests covers the rest).
            case .gender?: return "unknown"
            case .substance?: return "unknown"
            }
        }
        var out: [String: [String: Double]] = [:]
        func add(_ row: String, _ col: String, _ v: Double) {
            out[row, default: [:]][col, default: 0] += v
            if col != "total" { out[row, default: [:]]["total", default: 0] += v }
        }
        var reachedPair = Set<String>(), nsPair = Set<String>()
        var reachedWho = Set<Int32>(), nsWho = Set<Int32>()
        func bump(_ row: String, _ col: String) { out[row, default: [:]][col, default: 0] += 1 }
        for c in ledger.contacts where c.at >= start && c.at < end {
            if let point, ledger.sites[c.site] != point { continue }
            let col = column(c)
            let who = ledger.canonical(c.client)
            let isNew = first[who]! >= start
            add("contacts", col, 1)
            if c.overdose >= 0 {
                add("overdoses", col, 1)
                if config.catalogue.overdoseOutcome(ledger.outcomes[c.overdose])?.isReversal == true { add("overdoses.reversed", col, 1) }
            }
            var gotNS = false
            for line in ledger.lines(of: c) {
                let name = ledger.items[line.item]
                add("items.\(name)", col, Double(line.quantity))
                if config.catalogue.item(name)?.isNeedleOrSyringe == true { gotNS = true; add("ns.distributed", col, Double(line.quantity)) }
            }
            let key = "\(who)|\(col)"
            if by != nil {
                if reachedPair.insert(key).inserted {
                    bump("clients.reached", col)
                    if isNew { bump("clients.new", col) }
                }
                if gotNS, nsPair.insert(key).inserted { bump("clients.ns", col) }
            }
            if reachedWho.insert(who).inserted {
                bump("clients.reached", "total")
                if isNew { bump("clients.new", "total") }
            }
            if gotNS, nsWho.insert(who).inserted { bump("clients.ns", "total") }
        }
        return out
    }

    @Test func theSinglePassAgreesWithTheObviousComputation() throws {
        let config = ReportFixtures.config()
        let events = Self.synthetic(contacts: 12_000, clients: 900, workers: 7, seed: 99)
        let ledger = LedgerState.fold(events, catalogue: config.catalogue, points: config.points)
        #expect(ledger.clients.contains { $0.mergedInto != nil })
        for (n, periodText) in ["2026", "2026-Q2", "2026-02", "2026-W10", "2026-03-15..2026-08-01"].enumerated() {
            let period = ReportFixtures.period(periodText)
            // Per-(client, column) state: flat arrays, or (with the limit at 0) the dictionary.
            let limit = n % 2 == 0 ? Reports.defaultFlatPairLimit : 0
            for point in [nil, "temirtau", "shymkent-outreach"] {
                for by in [nil] + Disaggregation.allCases.map(Optional.some) {
                    let r = Reports.compute(ledger: ledger, configuration: config, period: period, point: point, by: by,
                                            flatPairLimit: limit)
                    let ref = Self.reference(ledger, config, period, point: point, by: by)
                    let reach = r.table("reach")!
                    for rowID in ["contacts", "clients.reached", "clients.new", "clients.ns", "ns.distributed", "overdoses",
                                  "overdoses.reversed", "items.syringe-1ml", "items.naloxone", "items.old-item"] {
                        for col in reach.columns.map(\.id) {
                            let mine = r.value(rowID, col) ?? 0
                            let theirs = ref[rowID]?[col] ?? 0
                            #expect(mine == theirs, "\(periodText) \(point ?? "all") by \(by?.rawValue ?? "-") \(rowID)[\(col)]")
                        }
                    }
                    // Every column with data is in the report.
                    let cols = Set(reach.columns.map(\.id))
                    for (_, byCol) in ref { for (c, v) in byCol where v != 0 { #expect(cols.contains(c), "missing column \(c)") } }
                }
            }
        }
    }

    @Test func aLargeReportCompletesAndExportsSafely() throws {
        let config = ReportFixtures.config(estimate: 5_000)
        let events = Self.synthetic(contacts: 120_000, clients: 8_000, workers: 40, seed: 7)
        let ledger = LedgerState.fold(events, catalogue: config.catalogue, points: config.points)
        #expect(ledger.contacts.count == 120_000)
        let year = ReportFixtures.period("2026")
        let r = Reports.compute(ledger: ledger, configuration: config, period: year, point: nil, by: nil)
        #expect((r.value("contacts") ?? 0) > 100_000)
        #expect((r.value("clients.reached") ?? 0) <= 8_000)
        #expect(r.value("clients.regular") != nil)
        // Split by 40 workers, with small cells in a month: suppression must leave nothing recoverable.
        let month = Reports.compute(ledger: ledger, configuration: config, period: ReportFixtures.period("2026-03-10..2026-03-12"),
                                    point: "temirtau", by: .worker)
        let s = Suppression.apply(month, upTo: 4)
        #expect(s.tables[0].rows.contains { $0.suppressed.contains(true) })
        #expect(Suppression.firstDetermined(relations: s.relations, hidden: Set(s.tables.indices.flatMap { t in
            s.tables[t].rows.indices.flatMap { i in s.tables[t].rows[i].suppressed.indices.filter { s.tables[t].rows[i].suppressed[$0] }.map { CellRef(t, i, $0) } }
        })) == nil)
        for format in ReportFormat.allCases {
            let out = try Reports.run(ReportRequest(period: year, by: .sex, format: format), ledger: ledger,
                                      configuration: config, role: .coordinator, language: .ru)
            #expect(!out.isEmpty)
        }
        let trend = Reports.monthlyTrend(ledger: ledger, configuration: config, months: 12,
                                         endingAt: Date(timeIntervalSince1970: TimeInterval(LedgerBuilder.almaty(2026, 12, 31))), point: nil)
        #expect(trend.map(\.contacts).reduce(0, +) == Int(r.value("contacts")!))
    }
}
