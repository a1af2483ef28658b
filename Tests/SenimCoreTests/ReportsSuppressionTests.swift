import Foundation
import Testing
@testable import SenimCore
import SenimTestSupport

/// Exact check, independent of `Suppression`: a hidden cell can be worked out when its unit
/// vector lies in the row space of the published equations (rank test with exact fractions).
enum Recoverability {
    struct Fraction: Equatable {
        var n: Int, d: Int
        init(_ n: Int, _ d: Int = 1) {
            func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? abs(a) : gcd(b, a % b) }
            let g = max(1, gcd(n, d))
            self.n = (d < 0 ? -n : n) / g
            self.d = abs(d) / g
        }
        static func - (a: Fraction, b: Fraction) -> Fraction { Fraction(a.n * b.d - b.n * a.d, a.d * b.d) }
        static func * (a: Fraction, b: Fraction) -> Fraction { Fraction(a.n * b.n, a.d * b.d) }
        static func / (a: Fraction, b: Fraction) -> Fraction { Fraction(a.n * b.d, a.d * b.n) }
        var isZero: Bool { n == 0 }
    }

    static func rank(_ rows: [[Fraction]]) -> Int {
        var m = rows
        guard let width = m.first?.count else { return 0 }
        var r = 0
        for c in 0..<width where r < m.count {
            guard let p = (r..<m.count).first(where: { !m[$0][c].isZero }) else { continue }
            m.swapAt(r, p)
            for i in 0..<m.count where i != r && !m[i][c].isZero {
                let f = m[i][c] / m[r][c]
                for j in 0..<width { m[i][j] = m[i][j] - f * m[r][j] }
            }
            r += 1
        }
        return r
    }

    /// Hidden cells whose value follows from the shown ones.
    static func recoverable(_ report: IndicatorReport) -> [CellRef] {
        var hidden: [CellRef] = []
        for (t, table) in report.tables.enumerated() {
            for (i, row) in table.rows.enumerated() {
                for c in row.values.indices where row.suppressed[c] && row.values[c] != nil { hidden.append(CellRef(t, i, c)) }
            }
        }
        let index = Dictionary(uniqueKeysWithValues: hidden.enumerated().map { ($1, $0) })
        var eqs: [[Fraction]] = []
        for rel in report.relations {
            var row = [Fraction](repeating: Fraction(0), count: hidden.count)
            var any = false
            for (cell, coef) in [(rel.total, 1)] + rel.parts.map({ ($0, -1) }) {
                if let k = index[cell] { row[k] = Fraction(row[k].n * 1 + coef * row[k].d, row[k].d); any = true }
            }
            if any { eqs.append(row) }
        }
        let base = rank(eqs)
        return hidden.indices.compactMap { k in
            var unit = [Fraction](repeating: Fraction(0), count: hidden.count)
            unit[k] = Fraction(1)
            return rank(eqs + [unit]) == base ? hidden[k] : nil
        }
    }
}

@Suite struct ReportsSuppressionTests {
    static let cols = ["f", "m", "unknown", "total"].map { ReportColumn(id: $0, label: .literal($0), isTotal: $0 == "total") }

    /// A one-table report; `across` adds total = sum of the other columns for each count row,
    /// `down` adds row relations (total row id, part row ids).
    static func report(_ rows: [(String, ValueKind, [Double?])], columns: [ReportColumn] = cols, across: Bool = true,
                       down: [(String, [String])] = [], dependsOn: [String: [String]] = [:]) -> IndicatorReport {
        let table = ReportTable(id: "t", title: .literal("t"), columns: columns,
                                rows: rows.map { ReportRow(id: $0.0, label: .literal($0.0), kind: $0.1, values: $0.2, dependsOn: dependsOn[$0.0] ?? []) },
                                suppressible: true)
        var rel: [CellRelation] = []
        let last = columns.count - 1
        if across && last > 0 {
            for (i, r) in rows.enumerated() where r.1.isCount {
                rel.append(CellRelation(total: CellRef(0, i, last), parts: (0..<last).map { CellRef(0, i, $0) }))
            }
        }
        for (total, parts) in down {
            let ti = rows.firstIndex { $0.0 == total }!
            for c in columns.indices {
                rel.append(CellRelation(total: CellRef(0, ti, c), parts: parts.map { p in CellRef(0, rows.firstIndex { $0.0 == p }!, c) }))
            }
        }
        return IndicatorReport(period: ReportFixtures.period("2026-11"), point: nil, by: .sex, tables: [table],
                               relations: rel, eventCount: 0, pwidEstimate: nil, lineList: nil)
    }

    func hidden(_ r: IndicatorReport, _ row: String) -> [Bool] { r.table("t")!.row(row)!.suppressed }

    @Test func aSingleSmallCellAndItsComplement() {
        let r = Suppression.apply(Self.report([("clients", .count, [3, 40, 0, 43])]), upTo: 4)
        // 3 is hidden; 40 must go too or 43 − 40 gives it away; the zero stays.
        #expect(hidden(r, "clients") == [true, true, false, false])
        #expect(r.suppressed && !r.internal && r.suppressedUpTo == 4)
        #expect(Recoverability.recoverable(r).isEmpty)
        #expect(r.value("clients", "total") == 43)
        #expect(r.value("clients", "f") == nil)
    }

    @Test func aCellRecoverableFromACategoryTotal() {
        let one = [ReportColumn(id: "total", label: .literal("total"), isTotal: true)]
        let r = Suppression.apply(Self.report([("injecting", .quantity, [52]), ("a", .quantity, [2]), ("b", .quantity, [50])],
                                              columns: one, across: false, down: [("injecting", ["a", "b"])]), upTo: 4)
        #expect(hidden(r, "a") == [true])
        #expect(hidden(r, "b") == [true])
        #expect(hidden(r, "injecting") == [false])
        #expect(Recoverability.recoverable(r).isEmpty)
    }

    @Test func allSmallRowsAndTheirRates() {
        let r = Suppression.apply(Self.report([("clients", .count, [1, 2, 0, 3]), ("contacts", .count, [10, 20, 0, 30]),
                                                ("perClient", .ratio, [10, 10, nil, 10])],
                                               dependsOn: ["perClient": ["contacts", "clients"]]), upTo: 4)
        #expect(hidden(r, "clients") == [true, true, false, true])
        #expect(hidden(r, "contacts") == [false, false, false, false])
        // A rate computed from a hidden count would give the count back.
        #expect(hidden(r, "perClient") == [true, true, false, true])
        #expect(Recoverability.recoverable(r).isEmpty)
    }

    @Test func zerosAndLargeCountsStay() {
        let r = Suppression.apply(Self.report([("clients", .count, [0, 5, 0, 5])]), upTo: 4)
        #expect(hidden(r, "clients") == [false, false, false, false])
        // The threshold is configurable; 5 goes with a threshold of 5, never fewer than 1–3.
        let r5 = Suppression.apply(Self.report([("clients", .count, [0, 5, 0, 5])]), upTo: 5)
        #expect(hidden(r5, "clients") == [false, true, false, true])
        let r1 = Suppression.apply(Self.report([("clients", .count, [3, 40, 0, 43])]), upTo: 1)
        #expect(r1.suppressedUpTo == 3)
        #expect(hidden(r1, "clients")[0])
    }

    @Test func aTwoWayTableHidesARectangle() {
        let r = Suppression.apply(Self.report([("r1", .count, [3, 20, 0, 23]), ("r2", .count, [10, 30, 0, 40]),
                                                ("sum", .count, [13, 50, 0, 63])],
                                               down: [("sum", ["r1", "r2"])]), upTo: 4)
        #expect(hidden(r, "r1") == [true, true, false, false])
        #expect(hidden(r, "r2") == [true, true, false, false])
        #expect(hidden(r, "sum") == [false, false, false, false])
        #expect(Recoverability.recoverable(r).isEmpty)
    }

    @Test func equationsThatEachHideTwoCellsCanStillGiveOneAway() {
        // x + y, x + z and y + z are published: each equation has two hidden cells, yet
        // x = (s1 + s2 − s3) / 2. The exact audit must hide one more.
        let one = [ReportColumn(id: "total", label: .literal("total"), isTotal: true)]
        let base = Self.report([("x", .count, [2]), ("y", .count, [3]), ("z", .count, [4]),
                                ("s1", .count, [5]), ("s2", .count, [6]), ("s3", .count, [7])],
                               columns: one, across: false, down: [("s1", ["x", "y"]), ("s2", ["x", "z"]), ("s3", ["y", "z"])])
        #expect(Suppression.firstDetermined(relations: base.relations,
                                            hidden: [CellRef(0, 0, 0), CellRef(0, 1, 0), CellRef(0, 2, 0)]) != nil)
        let r = Suppression.apply(base, upTo: 4)
        #expect(hidden(r, "x") == [true] && hidden(r, "y") == [true] && hidden(r, "z") == [true])
        #expect(["s1", "s2", "s3"].contains { hidden(r, $0) == [true] })
        #expect(Recoverability.recoverable(r).isEmpty)
    }

    @Test func randomTablesNeverLeakASmallCell() {
        var g = SplitMix(seed: 4242)
        for round in 0..<150 {
            let nRows = Int(g.next() % 4) + 2
            let nCols = Int(g.next() % 4) + 2
            var rows: [(String, ValueKind, [Double?])] = []
            var sums = [Double](repeating: 0, count: nCols + 1)
            for i in 0..<nRows {
                var v: [Double] = (0..<nCols).map { _ in
                    switch g.next() % 4 {
                    case 0: 0
                    case 1: Double(g.next() % 5)
                    default: Double(g.next() % 40)
                    }
                }
                v.append(v.reduce(0, +))
                for c in 0...nCols { sums[c] += v[c] }
                rows.append(("r\(i)", .count, v))
            }
            rows.append(("sum", .count, sums))
            let columns = (0..<nCols).map { ReportColumn(id: "c\($0)", label: .literal("c")) }
                + [ReportColumn(id: "total", label: .literal("t"), isTotal: true)]
            let base = Self.report(rows, columns: columns, down: [("sum", (0..<nRows).map { "r\($0)" })])
            let r = Suppression.apply(base, upTo: 4)
            let t = r.tables[0]
            for (i, row) in t.rows.enumerated() {
                #expect(row.values == base.tables[0].rows[i].values)
                for c in row.values.indices {
                    let v = row.values[c]!
                    if v >= 1 && v <= 4 { #expect(row.suppressed[c], "round \(round): small cell shown") }
                }
            }
            #expect(Recoverability.recoverable(r).isEmpty, "round \(round)")
        }
    }

    @Test func theNovemberReportBySex() {
        let config = ReportFixtures.config()
        let exact = Reports.compute(ledger: ReportFixtures.novemberLedger, configuration: config,
                                    period: ReportFixtures.period("2026-11"), point: nil, by: .sex)
        let r = Suppression.apply(exact, upTo: 4)
        // Women 3, men 2: both hidden; the total of 5 can be shown.
        #expect(r.isSuppressed("clients.reached", "f") && r.isSuppressed("clients.reached", "m"))
        #expect(r.value("clients.reached") == 5)
        #expect(r.value("contacts") == 7)
        #expect(r.isSuppressed("contacts.perClient", "f"))
        #expect(r.value("contacts.perClient") == 1.4)
        // Needles/syringes: 25 and 25 stay.
        #expect(r.value("ns.distributed", "f") == 25)
        // Every small count is hidden and nothing hidden can be worked out.
        for table in r.tables where table.suppressible {
            for row in table.rows where row.kind.isCount {
                for c in row.values.indices {
                    if let v = row.values[c], v >= 1, v <= 4 { #expect(row.suppressed[c], "\(row.id)[\(table.columns[c].id)]") }
                }
            }
        }
        #expect(Recoverability.recoverable(r).isEmpty)
        // Stock is not about people: never suppressed.
        #expect(r.table("stock")!.rows.allSatisfy { !$0.suppressed.contains(true) })
        #expect(r.value("items.naloxone") == nil && r.isSuppressed("items.category.overdose"))
    }

    @Test func configRefusesAThresholdBelowThreeAndNumericMarkers() {
        let cat = Fixtures.catalogue, pts = Fixtures.configuration.points
        func load(_ json: String) throws -> ReportingConfig {
            try ReportingConfig.load(programme: Data(json.utf8), dhis2: nil, catalogue: cat, points: pts)
        }
        #expect(throws: ConfigError.self) { try load(#"{"suppression": {"countsUpTo": 2}}"#) }
        #expect(throws: ConfigError.self) { try load(#"{"suppression": {"marker": "0"}}"#) }
        #expect(throws: ConfigError.self) { try load(#"{"suppression": {"marker": ""}}"#) }
        #expect(throws: ConfigError.self) { try load(#"{"timeZone": "Asia/Nowhere"}"#) }
        #expect(throws: ConfigError.self) { try load(#"{"populationEstimates": {"pwid": {"programme": -5}}}"#) }
        #expect(throws: ConfigError.self) { try load(#"{"populationEstimates": {"pwid": {"points": {"atlantis": 5}}}}"#) }
        #expect(throws: ConfigError.self) { try load(#"{"naloxoneItems": ["narcan"]}"#) }
        #expect(throws: ConfigError.self) { try load(#"{"timeZone": 5}"#) }
        let ok = try? load(#"{"timeZone": "Asia/Aqtobe", "suppression": {"countsUpTo": 9, "marker": "s"}, "populationEstimates": {"pwid": {"programme": 900, "points": {"temirtau": 100}, "year": 2024}}}"#)
        #expect(ok?.timeZone.identifier == "Asia/Aqtobe")
        #expect(ok?.suppressCountsUpTo == 9 && ok?.marker == "s")
        // "<5" would be a lie on a complementary cell holding 40.
        #expect(throws: ConfigError.self) { try load(#"{"suppression": {"marker": "<5"}}"#) }
        #expect(ok?.pwidEstimate.value(point: nil) == 900 && ok?.pwidEstimate.value(point: "temirtau") == 100)
        // The shipped files load, with Almaty and 1–4.
        let shipped = Fixtures.configuration.reporting
        #expect(shipped.timeZone.identifier == "Asia/Almaty")
        #expect(shipped.suppressCountsUpTo == 4)
        #expect(shipped.dhis2 != nil)
    }
}
