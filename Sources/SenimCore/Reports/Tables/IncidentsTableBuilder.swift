import Foundation

/// Table `incidents`: rights violations recorded in the period, per kind. Always suppressed when
/// it leaves Senim (see `ReportTable.alwaysSuppressed`).
struct IncidentsTableBuilder {
    static let tableID = "incidents"
    let acc: ReportAccumulator
    let frame: ColumnFrame

    static var rowIDs: [String] { ["incidents.all"] + IncidentKind.allCases.map { "incidents.\($0.rawValue)" } }

    func table() -> ReportTable {
        let t = acc.incidentTally
        let nk = IncidentKind.allCases.count
        func values(_ k: Int?) -> [Double?] {
            frame.values(applies: acc.incidentsSplit) { col in
                if let k { return Double(t.incidents[col * nk + k]) }
                return Double((0..<nk).reduce(0) { $0 + t.incidents[col * nk + $1] })
            }
        }
        var rows = [ReportRow(id: "incidents.all", label: .key("report.row.incidents.all", []), kind: .count, values: values(nil))]
        for (k, kind) in IncidentKind.allCases.enumerated() {
            rows.append(ReportRow(id: "incidents.\(kind.rawValue)", label: .key("incident.kind.\(kind.rawValue)", []), kind: .count,
                                  values: values(k), detail: true))
        }
        var table = ReportTable(id: Self.tableID, title: .key("report.table.incidents", []), columns: frame.columns, rows: rows,
                                suppressible: true)
        table.alwaysSuppressed = true
        return table
    }

    func sums() -> [RowSum] {
        [RowSum(Self.tableID, "incidents.all", IncidentKind.allCases.map { "incidents.\($0.rawValue)" })]
    }
}

/// Table `activities`: information sessions and trainings, with their participants.
struct ActivitiesTableBuilder {
    static let tableID = "activities"
    let acc: ReportAccumulator
    let frame: ColumnFrame

    static var rowIDs: [String] {
        ActivityKind.allCases.flatMap { ["activities.\($0.rawValue).sessions", "activities.\($0.rawValue).participants"] }
    }

    func table() -> ReportTable {
        let t = acc.incidentTally
        let na = ActivityKind.allCases.count
        var rows: [ReportRow] = []
        for (k, kind) in ActivityKind.allCases.enumerated() {
            let name: ReportLabel = .key("activity.kind.\(kind.rawValue)", [])
            rows.append(ReportRow(id: "activities.\(kind.rawValue).sessions", label: .key("report.row.activities.sessions", []),
                                  kind: .count, values: frame.values(applies: acc.activitiesSplit) { Double(t.sessions[$0 * na + k]) },
                                  group: kind.rawValue, groupLabel: name))
            rows.append(ReportRow(id: "activities.\(kind.rawValue).participants",
                                  label: .key("report.row.activities.participants", []), kind: .quantity,
                                  values: frame.values(applies: acc.activitiesSplit) { Double(t.participants[$0 * na + k]) },
                                  group: kind.rawValue, groupLabel: name))
        }
        return ReportTable(id: Self.tableID, title: .key("report.table.activities", []), columns: frame.columns, rows: rows,
                           suppressible: true)
    }
}
