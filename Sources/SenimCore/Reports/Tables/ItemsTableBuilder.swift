import Foundation

/// Table `items`: quantity handed out per catalogue category and item.
struct ItemsTableBuilder {
    static let tableID = "items"
    let acc: ReportAccumulator
    let frame: ColumnFrame

    static func rowIDs(catalogue: Catalogue) -> [String] {
        Catalogue.Category.allCases.map { "items.category.\($0.rawValue)" } + catalogue.items.map { "items.\($0.id)" }
    }

    /// The row of an item (by interner index).
    static func rowID(_ acc: ReportAccumulator, item: Int) -> String { "items.\(acc.ledger.items[Int32(item)])" }

    /// Quantities of one item (interner index) per column.
    func values(item it: Int) -> [Double?] {
        frame.values { Double(acc.itemQty[$0 * acc.nItems + it]) }
    }

    /// Sum of several items per column.
    func values(items: [Int]) -> [Double?] {
        ColumnFrame.sum(items.map { values(item: $0) }, count: frame.count)
    }

    private func members(_ category: Catalogue.Category) -> [Catalogue.Item] {
        acc.configuration.catalogue.items.filter { $0.category == category }
    }

    func table() -> ReportTable {
        let ledger = acc.ledger
        let cat = acc.configuration.catalogue
        var rows: [ReportRow] = []
        for category in Catalogue.Category.allCases {
            let members = members(category)
            guard !members.isEmpty else { continue }
            let idx = members.compactMap { ledger.items.lookup($0.id).map(Int.init) }
            rows.append(ReportRow(id: "items.category.\(category.rawValue)", label: .key("report.category.\(category.rawValue)", []),
                                  kind: .quantity, values: values(items: idx)))
            for m in members {
                let v = ledger.items.lookup(m.id).map { values(item: Int($0)) } ?? frame.values { _ in 0 }
                rows.append(ReportRow(id: "items.\(m.id)", label: .text(m.names), kind: .quantity, values: v, detail: true))
            }
        }
        // Items no longer in the catalogue, when they were handed out.
        for i in 0..<acc.nItems where cat.item(ledger.items[Int32(i)]) == nil {
            let v = values(item: i)
            guard v.contains(where: { ($0 ?? 0) != 0 }) else { continue }
            rows.append(ReportRow(id: Self.rowID(acc, item: i), label: .literal(ledger.items[Int32(i)]), kind: .quantity,
                                  values: v, detail: true))
        }
        return ReportTable(id: Self.tableID, title: .key("report.table.items", []), columns: frame.columns, rows: rows,
                           suppressible: true)
    }

    /// Each category is the sum of its items.
    func sums() -> [RowSum] {
        Catalogue.Category.allCases.compactMap { category in
            let members = members(category)
            guard !members.isEmpty else { return nil }
            return RowSum(Self.tableID, "items.category.\(category.rawValue)", members.map { "items.\($0.id)" })
        }
    }
}
