import Foundation
import SenimCore

/// The Reports screen over `SenimCore.Reports`: a period (month by default; ←/→ move it,
/// F3 changes its kind, F4 types one), a scope (coordinators: all points or one), the
/// indicator table (exact for coordinators, small cells suppressed for everyone else),
/// monthly trend bars, and export (coordinators).
enum ReportScreen {
    static let kinds: [ReportPeriod.Kind] = [.month, .quarter, .halfYear, .year, .week, .day]
    static let trendMonths = 6

    /// The period shown: the chosen one, else the current month in the programme's time zone.
    static func period(_ m: Model) -> ReportPeriod {
        m.reports.period ?? ReportPeriod.containing(Date(timeIntervalSince1970: TimeInterval(m.now)), kind: .month,
                                                    timeZone: m.config.reporting.timeZone)
    }

    /// The scopes the user may look at: coordinators all points then each point; others their point.
    static func scopes(_ m: Model) -> [String?] {
        guard let s = m.session else { return [] }
        if s.role == .coordinator { return [nil] + m.config.points.points.map { Optional($0.id) } }
        return [s.point]
    }

    static func scope(_ m: Model) -> String? {
        let all = scopes(m)
        return all.isEmpty ? nil : all[min(m.reports.scope, all.count - 1)]
    }

    /// Exact figures only for roles allowed to see internal reports.
    static func exact(_ m: Model) -> Bool { m.role.map { Policy.allows($0, .viewInternalReports) } ?? false }

    static func report(_ m: Model) -> IndicatorReport? {
        guard let s = m.session else { return nil }
        let r = Reports.compute(ledger: s.ledger, configuration: m.config, period: period(m), point: scope(m), by: m.reports.by)
        return exact(m) ? r : Suppression.apply(r, upTo: m.config.reporting.suppressCountsUpTo)
    }

    /// Rows to list: each table's title, then its rows (the total column).
    enum Line: Sendable {
        /// A table's title and, with a breakdown, its column headings (total last).
        case title(String, columns: [String])
        /// The total, and with a breakdown the value of each column before it.
        case row(label: String, value: String, suppressed: Bool, split: [String])
    }

    static func lines(_ m: Model, _ r: IndicatorReport) -> [Line] {
        var out: [Line] = []
        for t in r.tables {
            guard let total = t.columns.firstIndex(where: \.isTotal) ?? t.columns.indices.last else { continue }
            let rows = t.rows.filter { !$0.detail || ($0.values[total] ?? 0) != 0 || $0.suppressed[total] }
            if rows.isEmpty { continue }
            // Only tables split by the breakdown have a total column (the stock table's columns are measures).
            let split = m.reports.by == nil || !t.columns.contains(where: \.isTotal) ? [] : t.columns.indices.filter { $0 != total }
            out.append(.title(t.title.text(m.config.strings, m.language),
                              columns: split.map { t.columns[$0].label.text(m.config.strings, m.language) }))
            for row in rows {
                out.append(.row(label: row.label.text(m.config.strings, m.language), value: cell(m, row, total),
                                suppressed: row.suppressed[total], split: split.map { cell(m, row, $0) }))
            }
        }
        return out
    }

    static func cell(_ m: Model, _ row: ReportRow, _ c: Int) -> String {
        if row.suppressed[c] { return m.config.reporting.marker }
        guard let v = row.values[c] else { return "–" }
        switch row.kind {
        case .count, .quantity, .stock: return String(Int64(v.rounded()))
        case .ratio: return String(format: "%.2f", v)
        case .percent: return String(format: "%.1f %%", v)
        case .days: return String(format: "%.1f", v)
        }
    }

    static func rowCount(_ m: Model) -> Int { report(m).map { lines(m, $0).count } ?? 0 }

    static func trend(_ m: Model) -> [(label: String, contacts: Int, clients: Int)] {
        guard let s = m.session else { return [] }
        return Reports.monthlyTrend(ledger: s.ledger, configuration: m.config, months: trendMonths,
                                    endingAt: period(m).end.addingTimeInterval(-1), point: scope(m))
    }

    static func run(_ m: inout Model, _ cmd: Command) -> [Effect] {
        switch cmd {
        case .prevPeriod:
            m.reports.period = period(m).previous()
        case .nextPeriod:
            m.reports.period = period(m).next()
        case .periodKind:
            let p = period(m)
            let i = kinds.firstIndex(of: p.kind) ?? 0
            m.reports.period = ReportPeriod.containing(p.start, kind: kinds[(i + 1) % kinds.count], timeZone: p.timeZone)
        case .typePeriod:
            m.dialog = .form(Form(kind: .reportPeriod, title: "tui.form.period.title", fields: [
                Forms.text("period", "tui.form.period", period(m).label, max: 40),
            ]))
        case .breakdown:
            let all: [Disaggregation?] = [nil] + Disaggregation.allCases.map { Optional($0) }
            let i = all.firstIndex(of: m.reports.by) ?? 0
            m.reports.by = all[(i + 1) % all.count]
        case .nextSite:
            let n = scopes(m).count
            m.reports.scope = n == 0 ? 0 : (m.reports.scope + 1) % n
        case .export:
            m.dialog = .form(Form(kind: .reportExport, title: "tui.form.export.title", fields: [
                FormField("format", "tui.form.format", .choice([
                    Choice(ReportFormat.csv.rawValue, .raw("CSV")), Choice(ReportFormat.json.rawValue, .raw("JSON")),
                    Choice(ReportFormat.dhis2Json.rawValue, .raw("DHIS2 JSON")), Choice(ReportFormat.dhis2Csv.rawValue, .raw("DHIS2 CSV")),
                ], 0)),
                FormField("suppress", "tui.form.suppress", .choice([
                    Choice("yes", .key("tui.form.suppress.yes")), Choice("no", .key("tui.form.suppress.no")),
                ], 0)),
            ]))
        default:
            break
        }
        m.reports.selection = min(m.reports.selection, max(0, rowCount(m) - 1))
        return []
    }

    /// Form submissions for this screen.
    static func submit(_ m: inout Model, _ f: Form) -> [Effect] {
        switch f.kind {
        case .reportPeriod:
            do {
                m.reports.period = try ReportPeriod.parse(f.value("period"), timeZone: m.config.reporting.timeZone)
                m.dialog = nil
            } catch {
                var f = f
                f.error = error
                m.dialog = .form(f)
            }
            return []
        case .reportExport:
            guard let s = m.session, let format = ReportFormat(rawValue: f.value("format")) else { return [] }
            let request = ReportRequest(period: period(m), point: scope(m), by: m.reports.by, format: format,
                                        suppress: f.value("suppress") != "no")
            do {
                let out = try Reports.export(request, ledger: s.ledger, configuration: m.config, role: s.role, language: m.language)
                let ext = format == .json || format == .dhis2Json ? "json" : "csv"
                let scope = scope(m) ?? "all"
                let name = "senim-\(period(m).label.replacingOccurrences(of: "..", with: "_"))-\(scope)\(request.suppress ? "" : "-internal").\(ext)"
                m.dialog = nil
                m.status = Status(Message("tui.saving"))
                let notes = out.noteTexts(m.config.strings, m.language)
                return [.export(fileName: name, content: out.text, notes: notes)]
            } catch {
                var f = f
                f.error = error
                m.dialog = .form(f)
                return []
            }
        default:
            return []
        }
    }
}
