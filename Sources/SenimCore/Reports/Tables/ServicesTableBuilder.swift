import Foundation

/// Table `services`: services delivered at contacts (HIV tests done on site, counselling…),
/// per service: the distinct clients who received it and the times it was delivered.
struct ServicesTableBuilder {
    static let tableID = "services"
    static let measures = ["clients", "delivered"]
    let acc: ReportAccumulator
    let frame: ColumnFrame

    /// Rows of a rapid test besides `clients` (tested) and `delivered` (tests done): clients
    /// with a reactive result, and tests per result (`none`: no result recorded).
    static let resultRows = TestResult.allCases.map { "result.\($0.rawValue)" } + ["result.none"]
    static let rapidMeasures = ["reactive"] + resultRows

    static func rowIDs(catalogue: Catalogue) -> [String] {
        catalogue.services.flatMap { s in (measures + (s.isRapidTest ? rapidMeasures : [])).map { "services.\(s.id).\($0)" } }
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
            guard cat.service(id)?.isRapidTest == true else { continue }
            let ns = tally.services, nr = ServiceTally.resultCount
            rows.append(ReportRow(id: "services.\(id).reactive", label: .key("report.row.services.reactive", []), kind: .count,
                                  values: frame.values { Double(tally.reactive[$0 * ns + s]) }, detail: true,
                                  group: id, groupLabel: name, countsPeople: true))
            for (k, r) in TestResult.allCases.enumerated() {
                rows.append(ReportRow(id: "services.\(id).result.\(r.rawValue)", label: .key("report.row.services.result.\(r.rawValue)", []),
                                      kind: .count, values: frame.values { Double(tally.results[($0 * ns + s) * nr + k]) }, detail: true,
                                      group: id, groupLabel: name))
            }
            rows.append(ReportRow(id: "services.\(id).result.none", label: .key("report.row.services.result.none", []), kind: .count,
                                  values: frame.values { c in
                                      let recorded = (0..<nr).reduce(0) { $0 + tally.results[(c * ns + s) * nr + $1] }
                                      return Double(tally.delivered[c * ns + s] - recorded)
                                  }, detail: true, group: id, groupLabel: name))
        }
        return ReportTable(id: Self.tableID, title: .key("report.table.services", []), columns: frame.columns, rows: rows,
                           suppressible: true)
    }

    /// No sums across services (a client can receive several); a rapid test's results add up to the tests done.
    func sums() -> [RowSum] {
        acc.configuration.catalogue.services.filter(\.isRapidTest).map { s in
            RowSum(Self.tableID, "services.\(s.id).delivered", Self.resultRows.map { "services.\(s.id).\($0)" })
        }
    }
}
