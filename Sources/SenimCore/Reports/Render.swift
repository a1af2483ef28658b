import Foundation

/// A rendered report with what the user must be told beside it.
public struct ReportOutput: Sendable {
    public var text: String
    /// Things to show the user (on stderr for the CLI): cells left out of a DHIS2 file,
    /// unmapped indicators, internal or identifying output.
    public var notes: [Message]
    public var `internal`: Bool
    public var identifying: Bool

    public func noteTexts(_ strings: Strings, _ lang: Language) -> [String] { notes.map { $0.text(strings, lang) } }
}

extension Reports {
    // MARK: Entry points

    /// Renders a computed report. With `suppress` small cells are hidden first; without, the
    /// output is labelled internal.
    public static func render(_ report: IndicatorReport, format: ReportFormat, suppress: Bool,
                              configuration: Configuration, language: Language) throws(Message) -> String {
        try renderOutput(report, format: format, suppress: suppress, configuration: configuration, language: language).text
    }

    /// `render` with its notes.
    public static func renderOutput(_ report: IndicatorReport, format: ReportFormat, suppress: Bool,
                                    configuration: Configuration, language: Language) throws(Message) -> ReportOutput {
        var r = report
        if suppress && r.lineList == nil && !r.suppressed {
            r = Suppression.apply(r, upTo: configuration.reporting.suppressCountsUpTo)
        }
        // Without suppression the figures stay exact and `internal` (as `compute` left them).
        let renderer = Renderer(report: r, configuration: configuration, language: language)
        switch format {
        case .table: return renderer.output(renderer.table())
        case .csv: return renderer.output(renderer.csv())
        case .json: return renderer.output(renderer.json())
        case .dhis2Json, .dhis2Csv:
            guard r.lineList == nil else { throw Message("report.lineList.dhis2") }
            let doc = try renderer.dhis2()
            let text = format == .dhis2Json ? renderer.dhis2JSON(doc) : renderer.dhis2CSV(doc)
            return ReportOutput(text: text, notes: doc.notes + renderer.standingNotes(), internal: r.internal, identifying: false)
        }
    }

    /// Checks the role (exports: .exportReports; a table without suppression: .viewInternalReports;
    /// a line list: .exportLineList), computes and renders.
    public static func run(_ request: ReportRequest, ledger: LedgerState, configuration: Configuration,
                           role: Role, language: Language) throws(Message) -> String {
        try export(request, ledger: ledger, configuration: configuration, role: role, language: language).text
    }

    /// `run` with the notes the caller should show beside the output.
    public static func export(_ request: ReportRequest, ledger: LedgerState, configuration: Configuration,
                              role: Role, language: Language) throws(Message) -> ReportOutput {
        if request.lineList {
            try Policy.require(role, .exportLineList)
            guard !request.format.isDHIS2 else { throw Message("report.lineList.dhis2") }
        } else if request.format == .table {
            try Policy.require(role, request.suppress ? .viewReports : .viewInternalReports)
        } else {
            try Policy.require(role, .exportReports)
            if !request.suppress { try Policy.require(role, .viewInternalReports) }
        }
        if let p = request.point, configuration.points.point(p) == nil, ledger.sites.lookup(p) == nil {
            throw Message("report.point.unknown", PrivacyGuard.echo(p), configuration.points.points.map(\.id).joined(separator: ", "))
        }
        if request.format.isDHIS2 {
            guard configuration.reporting.dhis2 != nil else { throw Message("report.dhis2.noMapping") }
            guard request.period.dhis2 != nil else { throw Message("report.dhis2.period", request.period.label) }
        }
        var report = compute(ledger: ledger, configuration: configuration, period: request.period,
                             point: request.point, by: request.by)
        if request.lineList {
            report.lineList = lineList(ledger: ledger, configuration: configuration, period: request.period, point: request.point)
        }
        return try renderOutput(report, format: request.format, suppress: request.suppress,
                                configuration: configuration, language: language)
    }
}

/// Turns an `IndicatorReport` into text.
struct Renderer {
    let report: IndicatorReport
    let configuration: Configuration
    let language: Language
    var strings: Strings { configuration.strings }

    func t(_ key: String, _ args: String...) -> String { strings.t(key, language, args) }
    func label(_ l: ReportLabel) -> String { l.text(strings, language) }

    func output(_ text: String) -> ReportOutput {
        ReportOutput(text: text, notes: standingNotes(), internal: report.internal, identifying: report.identifying)
    }

    /// Notes that go with every rendering.
    func standingNotes() -> [Message] {
        var n: [Message] = []
        if report.identifying { n.append(Message("report.identifying.banner")) } else if report.internal { n.append(Message("report.internal.banner")) }
        return n
    }

    /// A cell as text: the marker when suppressed, "–" when not applicable.
    func cell(_ row: ReportRow, _ c: Int) -> String {
        if row.suppressed[c] { return configuration.reporting.marker }
        guard let v = row.values[c] else { return "–" }
        return Self.format(v, row.kind)
    }

    static func format(_ v: Double, _ kind: ValueKind) -> String {
        switch kind {
        case .count, .quantity, .stock: TextFormat.number(v.rounded(), decimals: 0)
        case .ratio: TextFormat.number(v, decimals: 2)
        case .percent, .days: TextFormat.number(v, decimals: 1)
        }
    }

    var scopeText: String {
        if let p = report.point {
            return t("report.scope.point", configuration.points.point(p).map { $0.names[language] } ?? p)
        }
        return t("report.scope.all")
    }

    var annualisationNote: String? {
        let p = report.period
        guard report.tables.contains(where: { $0.rows.contains { $0.annualised } }) else { return nil }
        let cal = ReportPeriod.calendar(p.timeZone)
        let yearDays = cal.dateComponents([.day], from: p.start, to: cal.date(byAdding: .year, value: 1, to: p.start)!).day ?? 365
        return t("report.annualised.note", String(yearDays), String(p.days))
    }

    var estimateNote: String {
        let e = configuration.reporting.pwidEstimate
        guard let v = report.pwidEstimate else { return t("report.estimate.none") }
        var extra = ""
        if let y = e.year { extra += ", \(y)" }
        if let s = e.source { extra += "; \(s)" }
        return t("report.estimate.note", String(v), extra)
    }

    // MARK: Table

    func table() -> String {
        if let list = report.lineList { return lineListTable(list) }
        var out = ""
        let p = report.period
        out += t("report.header", p.label, p.firstDay, p.lastDay, p.timeZone.identifier) + "\n"
        out += scopeText
        if let by = report.by { out += " · " + t("report.by", t("report.by.\(by.rawValue)")) }
        out += "\n"
        if report.internal {
            out += t("report.internal.banner") + "\n"
        } else if report.suppressed {
            out += t("report.suppressed.legend", String(report.suppressedUpTo), configuration.reporting.marker) + "\n"
        }
        for table in report.tables {
            out += "\n" + renderTable(table)
        }
        out += "\n"
        if let a = annualisationNote { out += a + "\n" }
        out += estimateNote + "\n"
        if !report.tables.contains(where: { $0.row("clients.regular")?.values.last.flatMap { $0 } != nil }) {
            out += t("report.prv9.short") + "\n"
        }
        out += t("report.events", String(report.eventCount)) + "\n"
        return out
    }

    func renderTable(_ table: ReportTable) -> String {
        var columns = Array(table.columns.indices)
        var rows = table.rows
        // Lines of a breakdown that are all zero or empty are left out on screen.
        rows = rows.filter { row in
            !row.detail || row.values.indices.contains { c in row.suppressed[c] || (row.values[c] ?? 0) != 0 }
        }
        // A breakdown group whose count lines are all zero goes too (its rates are empty then).
        if table.id == "referrals" {
            let live = Set(rows.filter { r in r.kind.isCount && r.values.contains { ($0 ?? 0) != 0 } }.compactMap(\.group))
            rows = rows.filter { r in !r.detail || live.contains(r.group ?? "") }
        }
        if table.id == "stock" {
            let keep: Set<String> = ["opening", "closing"]
            columns = columns.filter { c in
                keep.contains(table.columns[c].id) || rows.contains { ($0.values[c] ?? 0) != 0 }
            }
        }
        var out = "== " + label(table.title) + " ==\n"
        if rows.isEmpty {
            return out + t("report.empty") + "\n"
        }
        let labelWidth = min(48, max(TextFormat.displayWidth(t("report.col.indicator")),
                                     rows.map { TextFormat.displayWidth(rowLabel($0)) + ($0.group != nil ? 2 : 0) }.max() ?? 0))
        var widths: [Int] = []
        for c in columns {
            var w = TextFormat.displayWidth(label(table.columns[c].label))
            for r in rows { w = max(w, TextFormat.displayWidth(cell(r, c))) }
            widths.append(min(w, 24))
        }
        out += TextFormat.pad(t(table.id == "stock" ? "report.col.item" : "report.col.indicator"), labelWidth)
        for (i, c) in columns.enumerated() {
            out += "  " + TextFormat.pad(TextFormat.truncate(label(table.columns[c].label), widths[i]), widths[i], right: true)
        }
        out += "\n"
        var group: String? = nil
        for r in rows {
            if r.group != group, let g = r.groupLabel {
                out += label(g) + "\n"
            }
            group = r.group
            let indent = r.group != nil ? "  " : ""
            out += TextFormat.pad(indent + TextFormat.truncate(rowLabel(r), labelWidth - indent.count), labelWidth)
            for (i, c) in columns.enumerated() {
                out += "  " + TextFormat.pad(cell(r, c), widths[i], right: true)
            }
            out += "\n"
        }
        return out
    }

    func rowLabel(_ r: ReportRow) -> String {
        r.annualised ? label(r.label) + " " + t("report.annualised.mark") : label(r.label)
    }

    // MARK: CSV

    static let csvHeader = ["period", "start", "end", "time_zone", "point", "by", "table", "group", "row", "label",
                            "unit", "column", "column_label", "value", "flags"]

    func csv() -> String {
        if let list = report.lineList { return lineListCSV(list) }
        var out = TextFormat.csvLine(Self.csvHeader)
        let p = report.period
        let common = [p.label, p.firstDay, p.lastDay, p.timeZone.identifier, report.point ?? "all", report.by?.rawValue ?? ""]
        for table in report.tables {
            for row in table.rows {
                for (c, col) in table.columns.enumerated() {
                    var flags: [String] = []
                    if row.suppressed[c] { flags.append("suppressed") }
                    if row.values[c] == nil { flags.append("not-applicable") }
                    if row.annualised { flags.append("annualised") }
                    if report.internal { flags.append("internal") }
                    let value = row.suppressed[c] ? configuration.reporting.marker : row.values[c].map { Self.format($0, row.kind) } ?? ""
                    out += TextFormat.csvLine(common + [table.id, row.group ?? "", row.id, rowLabel(row), row.kind.rawValue,
                                                        col.id, label(col.label), value, flags.joined(separator: " ")])
                }
            }
        }
        return out
    }

    // MARK: JSON

    func json() -> String {
        let p = report.period
        var doc: [(String, JSONText)] = [
            ("schema", .string("senim-report/1")),
            ("period", .object([
                ("label", .string(p.label)), ("kind", .string(p.kind.rawValue)),
                ("start", .string(p.firstDay)), ("end", .string(p.lastDay)),
                ("timeZone", .string(p.timeZone.identifier)), ("dhis2", .optString(p.dhis2)),
            ])),
            ("point", .optString(report.point)),
            ("by", .optString(report.by?.rawValue)),
            ("language", .string(language.rawValue)),
            ("internal", .bool(report.internal)),
            ("identifying", .bool(report.identifying)),
            ("suppression", .object([
                ("applied", .bool(report.suppressed)),
                ("countsUpTo", report.suppressed ? .int(report.suppressedUpTo) : .null),
                ("marker", .string(configuration.reporting.marker)),
            ])),
            ("populationEstimate", report.pwidEstimate.map { .int($0) } ?? .null),
            ("eventCount", .int(report.eventCount)),
        ]
        if let list = report.lineList {
            doc.append(("lineList", .array(list.map { e in
                .object([
                    ("uic", .string(e.uic)), ("mergedCodes", .array(e.mergedCodes.map { .string($0) })),
                    ("sex", .optString(e.sex)), ("ageGroup", .string(e.ageGroup)), ("firstSeen", .string(e.firstSeen)),
                    ("contacts", .int(e.contacts)), ("needlesSyringes", .int(e.needlesSyringes)),
                    ("lastContact", .string(e.lastContact)),
                ])
            })))
        } else {
            doc.append(("tables", .array(report.tables.map { table in
                .object([
                    ("id", .string(table.id)),
                    ("title", .string(label(table.title))),
                    ("suppressible", .bool(table.suppressible)),
                    ("columns", .array(table.columns.map { c in
                        .object([("id", .string(c.id)), ("label", .string(label(c.label))), ("total", .bool(c.isTotal))])
                    })),
                    ("rows", .array(table.rows.map { row in
                        var o: [(String, JSONText)] = [
                            ("id", .string(row.id)), ("label", .string(label(row.label))), ("unit", .string(row.kind.rawValue)),
                        ]
                        if let g = row.group { o.append(("group", .string(g))) }
                        if let g = row.groupLabel { o.append(("groupLabel", .string(label(g)))) }
                        o.append(("annualised", .bool(row.annualised)))
                        o.append(("cells", .array(table.columns.indices.map { c in
                            let status = row.suppressed[c] ? "suppressed" : row.values[c] == nil ? "not-applicable" : "ok"
                            let value: JSONText = row.suppressed[c] ? .null : row.values[c].map { .number(Self.format($0, row.kind)) } ?? .null
                            return .object([("column", .string(table.columns[c].id)), ("value", value), ("status", .string(status))])
                        })))
                        return .object(o)
                    })),
                ])
            })))
        }
        var notes: [String] = standingNotes().map { $0.text(strings, language) }
        if report.lineList == nil {
            if report.suppressed { notes.append(t("report.suppressed.legend", String(report.suppressedUpTo), configuration.reporting.marker)) }
            if let a = annualisationNote { notes.append(a) }
            notes.append(estimateNote)
        }
        doc.append(("notes", .array(notes.map { .string($0) })))
        return JSONText.object(doc).serialized() + "\n"
    }

    // MARK: Line list

    func lineListHeader() -> [String] {
        ["uic", "mergedCodes", "sex", "ageGroup", "firstSeen", "contacts", "needlesSyringes", "lastContact"]
    }

    func lineListTable(_ list: [LineListEntry]) -> String {
        var out = t("report.identifying.banner") + "\n"
        let p = report.period
        out += t("report.header", p.label, p.firstDay, p.lastDay, p.timeZone.identifier) + "\n" + scopeText + "\n\n"
        let header = lineListHeader().map { t("report.line.\($0)") }
        let rows = list.map { e in
            [e.uic, e.mergedCodes.joined(separator: " "), e.sex.map { t("report.col.sex.\($0)") } ?? "–",
             t("report.col.age.\(e.ageGroup)"), e.firstSeen, String(e.contacts), String(e.needlesSyringes), e.lastContact]
        }
        var widths = header.map { TextFormat.displayWidth($0) }
        for r in rows { for (i, f) in r.enumerated() { widths[i] = max(widths[i], TextFormat.displayWidth(f)) } }
        func line(_ fields: [String]) -> String {
            fields.enumerated().map { i, f in TextFormat.pad(f, widths[i], right: (5...6).contains(i)) }.joined(separator: "  ") + "\n"
        }
        out += line(header)
        for r in rows { out += line(r) }
        out += "\n" + t("report.line.count", String(list.count)) + "\n"
        return out
    }

    func lineListCSV(_ list: [LineListEntry]) -> String {
        var out = TextFormat.csvLine(lineListHeader() + ["flags"])
        for e in list {
            out += TextFormat.csvLine([e.uic, e.mergedCodes.joined(separator: " "), e.sex ?? "", e.ageGroup, e.firstSeen,
                                       String(e.contacts), String(e.needlesSyringes), e.lastContact, "identifying"])
        }
        return out
    }
}
