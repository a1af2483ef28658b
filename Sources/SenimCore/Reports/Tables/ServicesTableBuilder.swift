import Foundation

/// Table `services`: services delivered at contacts (HIV tests done on site, counselling…),
/// per service: the distinct clients who received it and the times it was delivered.
struct ServicesTableBuilder {
    static let tableID = "services"
    static let measures = ["clients", "delivered"]
    let acc: ReportAccumulator
    let frame: ColumnFrame

    static func rowIDs(catalogue: Catalogue) -> [String] {
        catalogue.services.flatMap { s in measures.map { "services.\(s.id).\($0)" } }
    }

    /// Interner indices of the services shown: the catalogue's, then others delivered in the period.
    var shownServices: [Int] {
        let ledger = acc.ledger
        let cat = acc.configuration.catalogue
        var out: [Int] = cat.services.compactMap { ledger.services.lookup($0.id).map(Int.init) }
        let tally = acc.services
        for s in 0..<tally.services where cat.service(ledger.services[Int32(s)]) == nil {
            if tally.delivered[acc.total * tally.services + s] != 0 { out.append(s) }
        }
        return out
    }

    func table() -> ReportTable {
        let ledger = acc.ledger
        let cat = acc.configuration.catalogue
        let tally = acc.services
        var rows: [ReportRow] = []
        for s in shownServices {
            let id = ledger.services[Int32(s)]
            let name: ReportLabel = cat.service(id).map { .text($0.names) } ?? .literal(id)
            rows.append(ReportRow(id: "services.\(id).clients", label: .key("report.row.services.clients", []), kind: .count,
                                  values: frame.values { Double(tally.clients[$0 * tally.services + s]) }, detail: true,
                                  group: id, groupLabel: name, countsPeople: true))
            rows.append(ReportRow(id: "services.\(id).delivered", label: .key("report.row.services.delivered", []), kind: .count,
                                  values: frame.values { Double(tally.delivered[$0 * tally.services + s]) }, detail: true,
                                  group: id, groupLabel: name))
        }
        return ReportTable(id: Self.tableID, title: .key("report.table.services", []), columns: frame.columns, rows: rows,
                           suppressible: true)
    }

    /// No sums down rows: a client can receive several services.
    func sums() -> [RowSum] { [] }
}
