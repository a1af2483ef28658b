import Foundation
import Testing
@testable import SenimCore

/// Formats, roles and DHIS2 documents.
@Suite struct ReportsExportTests {
    let ledger = ReportFixtures.novemberLedger
    let config = ReportFixtures.config()
    var november: ReportPeriod { ReportFixtures.period("2026-11") }

    func run(_ format: ReportFormat, role: Role = .coordinator, by: Disaggregation? = nil, point: String? = nil,
             suppress: Bool = true, lineList: Bool = false, period: String = "2026-11", language: Language = .en,
             config: Configuration? = nil) throws(Message) -> ReportOutput {
        try Reports.export(ReportRequest(period: ReportFixtures.period(period), point: point, by: by, format: format,
                                         suppress: suppress, lineList: lineList),
                           ledger: ledger, configuration: config ?? self.config, role: role, language: language)
    }

    func denied(_ f: () throws(Message) -> ReportOutput) -> String? {
        do { _ = try f(); return nil } catch { return error.key }
    }

    // MARK: Roles

    @Test func rolesDecideWhatCanBeSeenAndExported() throws {
        // Everyone may see the suppressed table.
        for role in Role.allCases { _ = try run(.table, role: role) }
        // Exports are for coordinators.
        for format in ReportFormat.allCases where format.isExport {
            #expect(denied { () throws(Message) in try run(format, role: .worker) } == "policy.denied")
            #expect(denied { () throws(Message) in try run(format, role: .psychologist) } == "policy.denied")
            _ = try run(format, role: .coordinator)
        }
        // Exact figures only for coordinators, and labelled.
        #expect(denied { () throws(Message) in try run(.table, role: .worker, suppress: false) } == "policy.denied")
        let internalTable = try run(.table, suppress: false)
        #expect(internalTable.internal)
        #expect(internalTable.text.contains("INTERNAL"))
        #expect(internalTable.notes.contains(Message("report.internal.banner")))
        let csv = try run(.csv, suppress: false)
        #expect(csv.text.contains(",internal\r\n"))
        // Line lists: coordinators only, never to DHIS2, always marked.
        #expect(denied { () throws(Message) in try run(.csv, role: .worker, lineList: true) } == "policy.denied")
        #expect(denied { () throws(Message) in try run(.table, role: .psychologist, lineList: true) } == "policy.denied")
        #expect(denied { () throws(Message) in try run(.dhis2Json, lineList: true) } == "report.lineList.dhis2")
        let list = try run(.table, lineList: true)
        #expect(list.identifying)
        #expect(list.text.hasPrefix("IDENTIFYING"))
        #expect(list.text.contains("AAAA185") && list.text.contains("FFFF299"))
        let listCSV = try run(.csv, lineList: true)
        #expect(listCSV.text.contains("AAAA185,FFFF299,m,25-plus,2026-10-15,2,25,2026-11-05,identifying\r\n"))
        let listJSON = try run(.json, lineList: true)
        let obj = try JSONSerialization.jsonObject(with: Data(listJSON.text.utf8)) as! [String: Any]
        #expect(obj["identifying"] as? Bool == true)
        #expect((obj["lineList"] as? [[String: Any]])?.count == 5)
    }

    @Test func aggregatesNeverContainAClientCode() throws {
        for format in ReportFormat.allCases {
            for by in [nil] + Disaggregation.allCases.map(Optional.some) {
                for suppress in [true, false] {
                    let out = try run(format, by: by, suppress: suppress)
                    for code in ReportFixtures.novemberCodes {
                        #expect(!out.text.contains(code), "\(format) by \(by?.rawValue ?? "-") holds \(code)")
                    }
                    #expect(!out.identifying)
                }
            }
        }
    }

    @Test func unknownPointsAndPeriodsForDHIS2AreRefused() {
        #expect(denied { () throws(Message) in try run(.table, point: "atlantis") } == "report.point.unknown")
        #expect(denied { () throws(Message) in try run(.dhis2Json, period: "2026-11-01..2026-11-15") } == "report.dhis2.period")
        var noMap = config
        noMap.reporting.dhis2 = nil
        #expect(denied { () throws(Message) in try run(.dhis2Csv, config: noMap) } == "report.dhis2.noMapping")
        var noProgrammeUnit = config
        noProgrammeUnit.reporting.dhis2?.programmeOrgUnit = nil
        #expect(denied { () throws(Message) in try run(.dhis2Json, config: noProgrammeUnit) } == "report.dhis2.orgUnit")
    }

    // MARK: CSV

    @Test func csvIsRFC4180() throws {
        let out = try run(.csv, by: .point)
        #expect(out.text.hasSuffix("\r\n"))
        let records = try #require(CSVReader.parse(out.text))
        #expect(records[0] == ["period", "start", "end", "time_zone", "point", "by", "table", "group", "row", "label",
                               "unit", "column", "column_label", "value", "flags"])
        #expect(records.dropFirst().allSatisfy { $0.count == 15 })
        // "Almaty, central trust point" has a comma: quoted, and read back whole.
        #expect(out.text.contains("\"Almaty, central trust point\""))
        let contacts = records.filter { $0[8] == "contacts" }
        #expect(contacts.map { $0[11] } == ["almaty-central", "almaty-mobile", "temirtau", "total"])
        #expect(contacts.map { $0[13] } == ["*", "*", "0", "7"])   // 4 and 3 hidden, the total shown
        #expect(contacts[0][14] == "suppressed")
        #expect(contacts[0][12] == "Almaty, central trust point")
        #expect(records[1][0] == "2026-11" && records[1][1] == "2026-11-01" && records[1][2] == "2026-11-30" && records[1][3] == "Asia/Almaty")
        // A zero is a zero, not a marker; an empty referral split by type is "not-applicable".
        let byType = try #require(CSVReader.parse(try run(.csv, by: .type).text))
        let issued = byType.filter { $0[8] == "referrals.all.issued" }
        #expect(issued.map { $0[13] } == ["", "", "", "", "6"])
        #expect(issued[0][14] == "not-applicable")
        // Russian labels survive the round trip.
        let ru = try #require(CSVReader.parse(try run(.csv, language: .ru).text))
        #expect(ru.contains { $0[8] == "clients.reached" && $0[9] == "Охвачено клиентов" && $0[13] == "5" })
    }

    @Test func csvFieldQuoting() {
        #expect(TextFormat.csvField("plain") == "plain")
        #expect(TextFormat.csvField("a,b") == "\"a,b\"")
        #expect(TextFormat.csvField("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(TextFormat.csvField("two\nlines") == "\"two\nlines\"")
        #expect(TextFormat.csvField(" edge") == "\" edge\"")
        #expect(TextFormat.csvLine(["a", "b,c"]) == "a,\"b,c\"\r\n")
    }

    // MARK: JSON

    @Test func jsonFollowsTheDocumentedSchema() throws {
        let out = try run(.json, by: .sex)
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(out.text.utf8)) as? [String: Any])
        #expect(obj["schema"] as? String == "senim-report/1")
        let period = try #require(obj["period"] as? [String: Any])
        #expect(period["label"] as? String == "2026-11")
        #expect(period["kind"] as? String == "month")
        #expect(period["start"] as? String == "2026-11-01")
        #expect(period["end"] as? String == "2026-11-30")
        #expect(period["timeZone"] as? String == "Asia/Almaty")
        #expect(period["dhis2"] as? String == "202611")
        #expect(obj["point"] is NSNull)
        #expect(obj["by"] as? String == "sex")
        #expect(obj["internal"] as? Bool == false)
        #expect(obj["identifying"] as? Bool == false)
        let sup = try #require(obj["suppression"] as? [String: Any])
        #expect(sup["applied"] as? Bool == true && sup["countsUpTo"] as? Int == 4 && sup["marker"] as? String == "*")
        let tables = try #require(obj["tables"] as? [[String: Any]])
        #expect(tables.map { $0["id"] as? String } == ["reach", "items", "referrals", "services", "incidents", "activities", "stock"])
        for t in tables {
            let columns = try #require(t["columns"] as? [[String: Any]])
            for row in try #require(t["rows"] as? [[String: Any]]) {
                let cells = try #require(row["cells"] as? [[String: Any]])
                #expect(cells.count == columns.count)
                #expect(cells.map { $0["column"] as? String } == columns.map { $0["id"] as? String })
                for cell in cells {
                    let status = cell["status"] as? String
                    #expect(["ok", "suppressed", "not-applicable"].contains(status))
                    if status != "ok" { #expect(cell["value"] is NSNull) } else { #expect(cell["value"] is NSNumber) }
                }
            }
        }
        let reach = tables[0]["rows"] as! [[String: Any]]
        let reached = reach.first { $0["id"] as? String == "clients.reached" }!
        let cells = reached["cells"] as! [[String: Any]]
        #expect(cells.map { $0["status"] as? String } == ["suppressed", "suppressed", "ok", "ok"])
        #expect((cells[3]["value"] as? NSNumber)?.intValue == 5)
        #expect((obj["notes"] as? [String])?.isEmpty == false)
    }

    @Test func jsonEscapesText() {
        let j = JSONText.object([("a\"b", .string("line\nnext \\ \u{01} «ж»")), ("n", .number("1.5")), ("x", .array([.null, .bool(true)]))])
        let text = j.serialized()
        let back = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        #expect(back?["a\"b"] as? String == "line\nnext \\ \u{01} «ж»")
        #expect((back?["n"] as? NSNumber)?.doubleValue == 1.5)
    }

    // MARK: DHIS2

    var map: DHIS2Mapping { config.reporting.dhis2! }

    func dhis2Values(_ text: String) throws -> (top: [String: Any], values: [[String: Any]]) {
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        return (obj, try #require(obj["dataValues"] as? [[String: Any]]))
    }

    func value(_ values: [[String: Any]], _ indicator: String, coc: String? = nil, orgUnit: String? = nil) -> String? {
        let de = map.dataElements[indicator]!.dataElement
        let hits = values.filter {
            $0["dataElement"] as? String == de
                && (coc == nil || $0["categoryOptionCombo"] as? String == coc)
                && (orgUnit == nil || $0["orgUnit"] as? String == orgUnit)
        }
        return hits.count == 1 ? hits[0]["value"] as? String : nil
    }

    @Test func dhis2JSONDataValueSet() throws {
        let out = try run(.dhis2Json)
        let (top, values) = try dhis2Values(out.text)
        #expect(top["dataSet"] as? String == map.dataSet)
        #expect(top["period"] as? String == "202611")
        #expect(top["attributeOptionCombo"] as? String == "HllvX50cXC0")
        #expect(top["completeDate"] == nil)
        for v in values {
            #expect(Set(v.keys).isSubset(of: ["dataElement", "period", "orgUnit", "categoryOptionCombo", "attributeOptionCombo",
                                               "value", "storedBy", "comment"]))
            #expect(v["period"] as? String == "202611")
            #expect(DHIS2Mapping.isUID(v["dataElement"] as? String ?? ""))
            #expect(DHIS2Mapping.isUID(v["orgUnit"] as? String ?? ""))
            #expect(v["value"] is String)
        }
        let programme = map.programmeOrgUnit!
        #expect(value(values, "contacts", orgUnit: programme) == "7")
        #expect(value(values, "clients.reached", orgUnit: programme) == "5")
        #expect(value(values, "ns.distributed") == "50")
        #expect(value(values, "items.condom") == "13")
        #expect(value(values, "items.lubricant") == "0")        // zeros are data
        #expect(value(values, "referrals.all.issued") == "6")
        // Small counts are left out, not sent as 0 (DHIS2 has no marker).
        for small in ["clients.new", "naloxone.distributed", "overdoses", "overdoses.reversed", "referrals.all.attended"] {
            #expect(!values.contains { $0["dataElement"] as? String == map.dataElements[small]!.dataElement }, "\(small)")
        }
        #expect(out.notes.contains { $0.key == "report.note.suppressed" })
        // Stock goes to each point's organisation unit.
        #expect(value(values, "stock.syringe-2ml.closing", orgUnit: map.orgUnits["almaty-central"]) == "-20")
        #expect(value(values, "stock.syringe-2ml.closing", orgUnit: map.orgUnits["almaty-mobile"]) == "-5")
        #expect(value(values, "stock.naloxone.closing") == "8")
        // Unmapped indicators are listed, not dropped silently.
        let unmapped = try #require(out.notes.first { $0.key == "report.note.unmapped" })
        #expect(unmapped.args[1].contains("items.syringe-1ml"))
        #expect(unmapped.args[1].contains("contacts.perClient"))
        #expect(!unmapped.args[1].contains("items.condom"))
        #expect(out.notes.contains { $0.key == "report.note.unmappedZero" })
        #expect(out.notes.contains { $0.key == "report.note.unmappedStock" })
    }

    @Test func dhis2CSVColumnsByPosition() throws {
        let out = try run(.dhis2Csv, suppress: false)
        let records = try #require(CSVReader.parse(out.text))
        #expect(records[0] == ["dataelement", "period", "orgunit", "catoptcombo", "attroptcombo", "value",
                               "storedby", "lastupdated", "comment", "followup"])
        #expect(records.count > 10)
        for r in records.dropFirst() {
            #expect(r.count == 10)
            #expect(DHIS2Mapping.isUID(r[0]) && r[1] == "202611" && DHIS2Mapping.isUID(r[2]))
            #expect(r[4] == "HllvX50cXC0" && r[6] == "senim" && r[9] == "false")
            #expect(Double(r[5]) != nil)
        }
        let de = map.dataElements["overdoses"]!.dataElement
        #expect(records.contains { $0[0] == de && $0[5] == "2" && $0[3] == "HllvX50cXC0" })   // exact when asked for
        #expect(out.internal)
    }

    @Test func dhis2Disaggregations() throws {
        // By sex: each column's categoryOptionCombo; the total is left to DHIS2.
        let (_, bySex) = try dhis2Values(try run(.dhis2Json, by: .sex, suppress: false).text)
        let el = map.dataElements["clients.reached"]!
        #expect(value(bySex, "clients.reached", coc: el.disaggregations["sex"]!["f"]) == "3")
        #expect(value(bySex, "clients.reached", coc: el.disaggregations["sex"]!["m"]) == "2")
        #expect(!bySex.contains { $0["dataElement"] as? String == el.dataElement && $0["categoryOptionCombo"] as? String == "HllvX50cXC0" })
        let (_, byAge) = try dhis2Values(try run(.dhis2Json, by: .age, suppress: false).text)
        #expect(value(byAge, "clients.reached", coc: el.disaggregations["age"]!["under-25"]) == "2")
        // Contacts have no sex mapping in the example: reported.
        let out = try run(.dhis2Json, by: .sex, suppress: false)
        #expect(out.notes.contains { $0.key == "report.note.unmappedCells" && $0.args[1].contains("contacts[f]") })
        // By point: each point's organisation unit.
        let (top, byPoint) = try dhis2Values(try run(.dhis2Json, by: .point, suppress: false).text)
        #expect(top["orgUnit"] == nil)
        #expect(value(byPoint, "contacts", orgUnit: map.orgUnits["almaty-central"]) == "4")
        #expect(value(byPoint, "contacts", orgUnit: map.orgUnits["almaty-mobile"]) == "3")
        #expect(value(byPoint, "contacts", orgUnit: map.orgUnits["temirtau"]) == "0")
        // One point: its organisation unit at the top.
        let (onePoint, _) = try dhis2Values(try run(.dhis2Json, point: "almaty-mobile").text)
        #expect(onePoint["orgUnit"] as? String == map.orgUnits["almaty-mobile"])
    }

    @Test(arguments: [("2026-11-30", "20261130"), ("2026-W47", "2026W47"), ("2026-11", "202611"),
                      ("2026-Q4", "2026Q4"), ("2026-H2", "2026S2"), ("2026", "2026")])
    func dhis2PeriodStrings(period: String, expected: String) throws {
        let (top, values) = try dhis2Values(try run(.dhis2Json, period: period).text)
        #expect(top["period"] as? String == expected)
        #expect(values.allSatisfy { $0["period"] as? String == expected })
    }

    @Test func dhis2MappingIsValidated() {
        let cat = Fixtures.catalogue, pts = Fixtures.configuration.points
        func load(_ s: String) throws -> DHIS2Mapping { try DHIS2Mapping.load(json: Data(s.utf8), catalogue: cat, points: pts) }
        #expect(throws: ConfigError.self) { try load(#"{"dataSet": "short"}"#) }
        #expect(throws: ConfigError.self) { try load(#"{"orgUnits": {"atlantis": "AbCdEfGhIjK"}}"#) }
        #expect(throws: ConfigError.self) { try load(#"{"dataElements": {"clients.reachd": {"dataElement": "AbCdEfGhIjK"}}}"#) }
        #expect(throws: ConfigError.self) { try load(#"{"dataElements": {"contacts": {}}}"#) }
        #expect(throws: ConfigError.self) { try load(#"{"dataElements": {"contacts": {"dataElement": "AbCdEfGhIjK", "sex": {"f": "1bCdEfGhIjK"}}}}"#) }
        #expect((try? load(#"{"dataElements": {"stock.naloxone.closing": {"dataElement": "AbCdEfGhIjK"}}}"#)) != nil)
        #expect(DHIS2Mapping.isUID("HllvX50cXC0"))
        #expect(!DHIS2Mapping.isUID("HllvX50cXC") && !DHIS2Mapping.isUID("9llvX50cXC0") && !DHIS2Mapping.isUID("Hllv-50cXC0"))
    }

    // MARK: Terminal table

    @Test func tableColumnsLineUpInCyrillicAndKazakh() throws {
        for lang in [Language.ru, .kk, .en] {
            let text = try run(.table, by: .sex, language: lang).text
            let blocks = text.components(separatedBy: "== ").dropFirst()
            #expect(blocks.count == 7)   // reach, items, referrals, services, incidents, activities, stock
            for block in blocks {
                let lines = block.split(separator: "\n").dropFirst().map(String.init)
                    .filter { $0.hasSuffix(" ") == false && $0.contains("  ") }
                guard let first = lines.first else { continue }
                let width = TextFormat.displayWidth(first)
                for l in lines { #expect(TextFormat.displayWidth(l) == width, "\(lang): \(l)") }
            }
            if lang != .en { #expect(text.utf8.count > text.count) }   // Cyrillic: more bytes than columns
        }
        let ru = try run(.table, language: .ru).text
        #expect(ru.contains("Охвачено клиентов"))
        #expect(ru.contains("Значения от 1 до 4"))
        let kk = try run(.table, language: .kk).text
        #expect(kk.contains("Қамтылған клиенттер"))
    }

    @Test func tableShowsMarkersAndHidesEmptyBreakdownLines() throws {
        let text = try run(.table, role: .worker).text
        #expect(text.contains("Syringe 1 ml"))
        #expect(!text.contains("Syringe 5 ml"))           // all zero: left out on screen
        let line = try #require(text.split(separator: "\n").first { $0.hasPrefix("Overdoses reported") })
        #expect(line.hasSuffix("*"))
        #expect(text.contains("Counts of 1–4"))
        #expect(!text.contains("INTERNAL"))
        let csv = try run(.csv).text
        #expect(csv.contains(",items.syringe-5ml,"))        // exports keep every line
    }

    @Test func displayWidth() {
        #expect(TextFormat.displayWidth("abc") == 3)
        #expect(TextFormat.displayWidth("Қамтылған") == 9)
        #expect(TextFormat.displayWidth("Ғалым") == 5)
        #expect(TextFormat.displayWidth("е\u{301}") == 1)    // combining accent
        #expect(TextFormat.displayWidth("漢字") == 4)
        #expect(TextFormat.pad("Ж", 3) == "Ж  ")
        #expect(TextFormat.pad("7", 3, right: true) == "  7")
        #expect(TextFormat.truncate("Қамтылған клиенттер", 8) == "Қамтылғ…")
        #expect(TextFormat.number(1.4) == "1.4" && TextFormat.number(7) == "7" && TextFormat.number(33.3333, decimals: 1) == "33.3")
        #expect(TextFormat.number(-35) == "-35")
    }
}
