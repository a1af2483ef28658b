import Foundation

/// Reports are pure functions of the ledger state: figures for a period, a scope (one trust
/// point or all) and an optional disaggregation, then suppression and rendering.
/// Definitions of every indicator: docs/indicators.md.
///
/// `ReportAccumulator` (Engine/) makes one pass over the period's contacts, one over stock
/// movements and one over referrals; one builder per table (Tables/) turns its tallies into
/// rows, and `ReportRelations` lists the sums suppression must protect.
public enum Reports {
    static let day: Int64 = 86_400

    /// Stock measures, in column order.
    public static let stockMeasures: [String] = [
        "opening", "received", "transferIn", "distributed", "transferOut",
        "writtenOff.expired", "writtenOff.damaged", "writtenOff.lost", "writtenOff.seized", "writtenOff.other",
        "adjusted", "closing", "discrepancies", "expired", "expiring", "daysLeft",
    ]

    /// Every row id a report can have for this catalogue (the keys a DHIS2 mapping may use),
    /// plus `stock.<item>.<measure>` for stock figures.
    public static func indicatorIDs(catalogue: Catalogue) -> [String] {
        var ids = ReachTableBuilder.rowIDs
        ids += ItemsTableBuilder.rowIDs(catalogue: catalogue)
        ids += ReferralsTableBuilder.rowIDs(catalogue: catalogue)
        ids += ServicesTableBuilder.rowIDs(catalogue: catalogue)
        ids += IncidentsTableBuilder.rowIDs
        ids += ActivitiesTableBuilder.rowIDs
        for i in catalogue.items { for m in stockMeasures { ids.append("stock.\(i.id).\(m)") } }
        return ids
    }

    // MARK: compute

    /// Exact figures for `period`, one trust point (`point`) or all (nil), optionally split `by`.
    /// Per (client, column) report state is kept in flat arrays up to this many entries.
    public static let defaultFlatPairLimit = 2_000_000

    /// `flatPairLimit`: per-(client, column) state stays in flat arrays up to this many entries
    /// and goes to a dictionary beyond (tests pass 0 to run the dictionary path; both give the
    /// same figures).
    public static func compute(ledger: LedgerState, configuration: Configuration, period: ReportPeriod,
                               point: String?, by: Disaggregation?,
                               flatPairLimit: Int = Reports.defaultFlatPairLimit) -> IndicatorReport {
        var acc = ReportAccumulator(ledger: ledger, configuration: configuration, period: period, point: point, by: by,
                                    flatPairLimit: flatPairLimit)
        acc.run()
        return ReportAssembly(acc).report()
    }

    /// Age group of a birth year at the start of a period.
    static func ageGroup(birthYear: Int?, referenceYear: Int) -> AgeGroup {
        guard let b = birthYear else { return .unknown }
        return referenceYear - b < ReportingConfig.youngAgeBelow ? .under25 : .twentyFivePlus
    }
}

/// The age columns of `--by age`, in column order.
enum AgeGroup: Int, CaseIterable {
    case under25, twentyFivePlus, unknown

    /// Column id (also the locale key suffix `report.col.age.<id>`).
    var id: String {
        switch self {
        case .under25: "under-25"
        case .twentyFivePlus: "25-plus"
        case .unknown: "unknown"
        }
    }
}
