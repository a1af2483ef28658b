import Foundation

/// A DHIS2 data value set built from a report and `Config/dhis2.json`.
public struct DHIS2Document: Sendable {
    public struct Value: Sendable, Hashable {
        public var dataElement: String
        public var period: String
        public var orgUnit: String
        public var categoryOptionCombo: String?
        public var attributeOptionCombo: String?
        public var value: String
        public var comment: String?
    }
    public var dataSet: String?
    public var period: String
    /// Set when every value has the same organisation unit.
    public var orgUnit: String?
    public var attributeOptionCombo: String?
    public var storedBy: String?
    public var dataValues: [Value]
    /// Cells left out and why (suppressed, not mapped).
    public var notes: [Message]
}

extension Renderer {
    /// Builds the data values. Suppressed cells are left out (DHIS2 has no marker for them and a
    /// 0 would be false); cells with no mapping are left out and listed in the notes.
    func dhis2() throws(Message) -> DHIS2Document {
        guard let map = configuration.reporting.dhis2 else { throw Message("report.dhis2.noMapping") }
        guard let period = report.period.dhis2 else { throw Message("report.dhis2.period", report.period.label) }
        let scopeOrgUnit: String? = report.point.map { map.orgUnits[$0] } ?? map.programmeOrgUnit
        if report.by != .point && scopeOrgUnit == nil {
            throw Message("report.dhis2.orgUnit", report.point ?? "programme")
        }
        var values: [DHIS2Document.Value] = []
        var unmapped: [String] = []
        var unmappedZero = 0
        var unmappedStock = Set<String>()
        var unmappedCells: [String] = []
        var missingOrgUnits = Set<String>()
        var suppressedLeftOut = 0

        func add(_ el: DHIS2Mapping.Element, orgUnit: String, coc: String?, row: ReportRow, column: Int) {
            guard let v = row.values[column] else { return }
            if row.suppressed[column] { suppressedLeftOut += 1; return }
            values.append(DHIS2Document.Value(
                dataElement: el.dataElement, period: period, orgUnit: orgUnit, categoryOptionCombo: coc,
                attributeOptionCombo: map.attributeOptionCombo, value: Self.format(v, row.kind),
                comment: row.annualised ? "annualised" : nil))
        }
        func hasData(_ row: ReportRow) -> Bool {
            row.values.indices.contains { row.suppressed[$0] || (row.values[$0] ?? 0) != 0 }
        }

        for table in report.tables {
            if table.id == "stock" {
                for row in table.rows {
                    guard let site = row.group else { continue }
                    let item = String(row.id.dropFirst("stock.\(site).".count))
                    for (c, col) in table.columns.enumerated() {
                        let key = "stock.\(item).\(col.id)"
                        guard let el = map.dataElements[key] else {
                            if (row.values[c] ?? 0) != 0 { unmappedStock.insert(key) }
                            continue
                        }
                        guard let ou = map.orgUnits[site] else { missingOrgUnits.insert(site); continue }
                        add(el, orgUnit: ou, coc: el.categoryOptionCombo, row: row, column: c)
                    }
                }
                continue
            }
            let totalColumn = table.columns.count - 1
            for row in table.rows {
                guard let el = map.dataElements[row.id] else {
                    if hasData(row) { unmapped.append(row.id) } else { unmappedZero += 1 }
                    continue
                }
                switch report.by {
                case nil:
                    add(el, orgUnit: scopeOrgUnit!, coc: el.categoryOptionCombo, row: row, column: totalColumn)
                case .point:
                    for c in 0..<totalColumn {
                        let id = table.columns[c].id
                        guard let ou = map.orgUnits[id] else {
                            if row.suppressed[c] || (row.values[c] ?? 0) != 0 { missingOrgUnits.insert(id) }
                            continue
                        }
                        add(el, orgUnit: ou, coc: el.categoryOptionCombo, row: row, column: c)
                    }
                case .some(let by):
                    let cocs = el.disaggregations[by.rawValue] ?? [:]
                    for c in 0..<totalColumn {
                        let id = table.columns[c].id
                        guard let coc = cocs[id] else {
                            if row.values[c] != nil, row.suppressed[c] || (row.values[c] ?? 0) != 0 {
                                unmappedCells.append("\(row.id)[\(id)]")
                            }
                            continue
                        }
                        add(el, orgUnit: scopeOrgUnit!, coc: coc, row: row, column: c)
                    }
                }
            }
        }
        var notes: [Message] = []
        if suppressedLeftOut > 0 { notes.append(Message("report.note.suppressed", String(suppressedLeftOut))) }
        if !unmapped.isEmpty {
            var seen = Set<String>()
            let list = unmapped.filter { seen.insert($0).inserted }
            notes.append(Message("report.note.unmapped", String(list.count), list.joined(separator: ", ")))
        }
        if unmappedZero > 0 { notes.append(Message("report.note.unmappedZero", String(unmappedZero))) }
        if !unmappedStock.isEmpty { notes.append(Message("report.note.unmappedStock", String(unmappedStock.count))) }
        if !unmappedCells.isEmpty {
            notes.append(Message("report.note.unmappedCells", report.by?.rawValue ?? "", unmappedCells.joined(separator: ", ")))
        }
        for p in missingOrgUnits.sorted() { notes.append(Message("report.note.orgUnit", p)) }
        let units = Set(values.map(\.orgUnit))
        return DHIS2Document(dataSet: map.dataSet, period: period,
                             orgUnit: units.count == 1 ? units.first : (units.isEmpty ? scopeOrgUnit : nil),
                             attributeOptionCombo: map.attributeOptionCombo, storedBy: map.storedBy,
                             dataValues: values, notes: notes)
    }

    /// `{dataSet, period, orgUnit, attributeOptionCombo, dataValues: [...]}` as `POST /api/dataValueSets` takes it.
    func dhis2JSON(_ d: DHIS2Document) -> String {
        var top: [(String, JSONText)] = []
        if let s = d.dataSet { top.append(("dataSet", .string(s))) }
        top.append(("period", .string(d.period)))
        if let o = d.orgUnit { top.append(("orgUnit", .string(o))) }
        if let a = d.attributeOptionCombo { top.append(("attributeOptionCombo", .string(a))) }
        top.append(("dataValues", .array(d.dataValues.map { v in
            var o: [(String, JSONText)] = [("dataElement", .string(v.dataElement)), ("period", .string(v.period)),
                                           ("orgUnit", .string(v.orgUnit))]
            if let c = v.categoryOptionCombo { o.append(("categoryOptionCombo", .string(c))) }
            if let a = v.attributeOptionCombo { o.append(("attributeOptionCombo", .string(a))) }
            o.append(("value", .string(v.value)))
            if let s = d.storedBy { o.append(("storedBy", .string(s))) }
            if let c = v.comment { o.append(("comment", .string(c))) }
            return .object(o)
        })))
        return JSONText.object(top).serialized() + "\n"
    }

    static let dhis2CSVHeader = ["dataelement", "period", "orgunit", "catoptcombo", "attroptcombo", "value",
                                 "storedby", "lastupdated", "comment", "followup"]

    /// DHIS2's CSV data value format: a header row, then the ten columns by position.
    func dhis2CSV(_ d: DHIS2Document) -> String {
        var out = TextFormat.csvLine(Self.dhis2CSVHeader)
        for v in d.dataValues {
            out += TextFormat.csvLine([v.dataElement, v.period, v.orgUnit, v.categoryOptionCombo ?? "",
                                       v.attributeOptionCombo ?? "", v.value, d.storedBy ?? "", "", v.comment ?? "", "false"])
        }
        return out
    }
}
