import Foundation

/// Table `referrals`: the referrals issued in the period, per service and outcome.
struct ReferralsTableBuilder {
    static let tableID = "referrals"
    let acc: ReportAccumulator
    let frame: ColumnFrame

    static func rowIDs(catalogue: Catalogue) -> [String] {
        var ids: [String] = []
        for s in ["all"] + catalogue.services.map(\.id) {
            for o in ReferralOutcome.allCases { ids.append("referrals.\(s).\(o.id)") }
            ids.append("referrals.\(s).completion")
        }
        ids.append("referrals.all.medianDays")
        return ids
    }

    /// Referrals have no contact type: with `--by type` only the total applies.
    var applies: Bool { acc.by != .type }

    /// Row group keys: `all`, then each service.
    var groups: [(key: String, service: Int?)] {
        [("all", nil)] + acc.referrals.services.enumerated().map { ($1, Optional($0)) }
    }

    func table() -> ReportTable {
        let tally = acc.referrals
        let cat = acc.configuration.catalogue
        var rows: [ReportRow] = []
        for (key, service) in groups {
            let name: ReportLabel = service.map { s in
                cat.service(tally.services[s]).map { .text($0.names) } ?? .literal(tally.services[s])
            } ?? .key("report.row.referrals.allServices", [])
            var byOutcome: [ReferralOutcome: [Double?]] = [:]
            for outcome in ReferralOutcome.allCases {
                let v = frame.values(applies: applies) { Double(tally.count(service: service, outcome, column: $0)) }
                byOutcome[outcome] = v
                rows.append(ReportRow(id: "referrals.\(key).\(outcome.id)", label: .key("report.row.referrals.\(outcome.id)", []),
                                      kind: .count, values: v, detail: service != nil, group: key, groupLabel: name))
            }
            rows.append(ReportRow(id: "referrals.\(key).completion", label: .key("report.row.referrals.completion", []),
                                  kind: .percent, values: ColumnFrame.ratio(byOutcome[.attended]!, byOutcome[.issued]!, scale: 100),
                                  detail: service != nil, dependsOn: ["referrals.\(key).issued", "referrals.\(key).attended"],
                                  group: key, groupLabel: name))
            if service == nil {
                let m = frame.values(applies: applies) { Self.median(tally.daysToAttendance[$0]) }
                rows.append(ReportRow(id: "referrals.all.medianDays", label: .key("report.row.referrals.medianDays", []),
                                      kind: .days, values: m, dependsOn: ["referrals.all.attended"],
                                      group: key, groupLabel: name))
            }
        }
        return ReportTable(id: Self.tableID, title: .key("report.table.referrals", []), columns: frame.columns, rows: rows,
                           suppressible: true)
    }

    /// Issued = the outcomes by status, per group; each outcome over all services = Σ per service.
    func sums() -> [RowSum] {
        var out: [RowSum] = []
        for (key, _) in groups {
            out.append(RowSum(Self.tableID, "referrals.\(key).issued", ReferralOutcome.byStatus.map { "referrals.\(key).\($0.id)" }))
        }
        for outcome in ReferralOutcome.allCases {
            out.append(RowSum(Self.tableID, "referrals.all.\(outcome.id)", acc.referrals.services.map { "referrals.\($0).\(outcome.id)" }))
        }
        return out
    }

    /// The middle value, or the mean of the two middle values.
    static func median(_ a: [Int]) -> Double? {
        guard !a.isEmpty else { return nil }
        let s = a.sorted()
        return s.count % 2 == 1 ? Double(s[s.count / 2]) : Double(s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }
}
