import Foundation

/// A sum published down rows: in every column, row `total` = Σ rows `parts` (by table and row id).
/// Rows that do not exist are left out; a column where any cell is not applicable is skipped.
struct RowSum {
    var table: String
    var total: String
    var parts: [(table: String, row: String)]

    init(table: String, total: String, parts: [(table: String, row: String)]) {
        self.table = table
        self.total = total
        self.parts = parts
    }

    /// A sum within one table.
    init(_ table: String, _ total: String, _ parts: [String]) {
        self.init(table: table, total: total, parts: parts.map { (table, $0) })
    }
}

/// Every sum a reader can check in a report (for complementary suppression).
enum ReportRelations {
    static func build(tables: [ReportTable], sums: [RowSum], by: Disaggregation?) -> [CellRelation] {
        var relations: [CellRelation] = []
        let personal = by == nil || by!.isPersonAttribute
        // Across columns: the total is the sum of the columns where every event or person is in exactly one.
        if by != nil {
            for (t, table) in tables.enumerated() where table.suppressible {
                let totalCol = table.columns.count - 1
                for (r, row) in table.rows.enumerated() where row.kind.isCount {
                    let additive = row.kind == .quantity || personal || !row.countsPeople
                    guard additive, row.values.allSatisfy({ $0 != nil }) else { continue }
                    relations.append(CellRelation(total: CellRef(t, r, totalCol), parts: (0..<totalCol).map { CellRef(t, r, $0) }))
                }
            }
        }
        // Down rows.
        let tableIndex = Dictionary(uniqueKeysWithValues: tables.enumerated().map { ($1.id, $0) })
        func locate(_ table: String, _ row: String) -> (Int, Int)? {
            guard let t = tableIndex[table], let r = tables[t].rows.firstIndex(where: { $0.id == row }) else { return nil }
            return (t, r)
        }
        for sum in sums {
            guard let (tt, tr) = locate(sum.table, sum.total) else { continue }
            let refs = sum.parts.compactMap { locate($0.table, $0.row) }
            guard !refs.isEmpty else { continue }
            for c in 0..<tables[tt].columns.count {
                guard tables[tt].rows[tr].values[c] != nil, refs.allSatisfy({ tables[$0.0].rows[$0.1].values[c] != nil }) else { continue }
                relations.append(CellRelation(total: CellRef(tt, tr, c), parts: refs.map { CellRef($0.0, $0.1, c) }))
            }
        }
        return relations
    }
}

/// Turns an accumulator's tallies into the report: one builder per table, then the relations.
struct ReportAssembly {
    let acc: ReportAccumulator
    let frame: ColumnFrame

    init(_ acc: ReportAccumulator) {
        self.acc = acc
        frame = ColumnFrame(acc)
    }

    func report() -> IndicatorReport {
        let reach = ReachTableBuilder(acc: acc, frame: frame)
        let items = ItemsTableBuilder(acc: acc, frame: frame)
        let referrals = ReferralsTableBuilder(acc: acc, frame: frame)
        let services = ServicesTableBuilder(acc: acc, frame: frame)
        let incidents = IncidentsTableBuilder(acc: acc, frame: frame)
        let activities = ActivitiesTableBuilder(acc: acc, frame: frame)
        let tables = [reach.table(), items.table(), referrals.table(), services.table(), incidents.table(), activities.table(),
                      StockTableBuilder(acc: acc).table()]
        let sums = items.sums() + reach.sums() + referrals.sums() + services.sums() + incidents.sums()
        return IndicatorReport(period: acc.period, point: acc.point, by: acc.by, tables: tables,
                               relations: ReportRelations.build(tables: tables, sums: sums, by: acc.by),
                               eventCount: acc.ledger.eventCount,
                               pwidEstimate: acc.configuration.reporting.pwidEstimate.value(point: acc.point), lineList: nil)
    }
}
