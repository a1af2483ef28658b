import Foundation

/// Table `reach`: clients reached, contacts, needles/syringes and coverage, naloxone, overdoses.
struct ReachTableBuilder {
    static let tableID = "reach"
    static let rowIDs = [
        "clients.reached", "clients.new", "clients.pwid", "clients.nonInjecting", "contacts", "contacts.perClient",
        "clients.ns", "clients.pwid.ns", "ns.distributed", "ns.perClient", "ns.perPWIDReached", "ns.perPWID", "prv8.coverage",
        "clients.regular", "clients.pwid.regular", "prv9.regularAccess", "clients.pwid.oat",
        "naloxone.distributed", "overdoses", "overdoses.reversed",
    ] + overdoseKindRows + responderRows

    /// Overdoses by kind (`unspecified`: recorded without one, e.g. before kinds existed); they add up to `overdoses`.
    static let overdoseKindRows = OverdoseKind.allCases.map { "overdoses.\($0.rawValue)" } + ["overdoses.unspecified"]
    /// Overdoses by who came (an overdose may have several, or none).
    static let responderRows = Responder.allCases.map { "overdoses.\($0.rawValue)" }

    let acc: ReportAccumulator
    let frame: ColumnFrame
    let items: ItemsTableBuilder
    /// Interner indices of needle/syringe and naloxone items.
    let nsItems: [Int]
    let naloxoneItems: [Int]

    init(acc: ReportAccumulator, frame: ColumnFrame) {
        self.acc = acc
        self.frame = frame
        items = ItemsTableBuilder(acc: acc, frame: frame)
        nsItems = (0..<acc.nItems).filter { acc.isNS[$0] }
        naloxoneItems = (0..<acc.nItems).filter { acc.isNaloxone[$0] }
    }

    /// The population estimate per column (only `--by point` has one per column).
    var estimates: [Double?] {
        let est = acc.configuration.reporting.pwidEstimate
        return frame.shown.map { c in acc.by == .point ? est.points[c.id].map(Double.init) : nil }
            + [est.value(point: acc.point).map(Double.init)]
    }

    /// A year is a year; anything else is scaled to the length of the year it starts.
    var annualisation: (annualised: Bool, factor: Double) {
        let period = acc.period
        let cal = ReportPeriod.calendar(period.timeZone)
        let oneYearOn = cal.date(byAdding: .year, value: 1, to: period.start)!
        let annualised = period.end != oneYearOn
        let yearDays = Double(cal.dateComponents([.day], from: period.start, to: oneYearOn).day ?? 365)
        return (annualised, annualised ? yearDays / Double(max(1, period.days)) : 1)
    }

    func table() -> ReportTable {
        func label(_ k: String) -> ReportLabel { .key("report.row." + k, []) }
        let ratio = ColumnFrame.ratio
        let people = acc.people
        let (annualised, factor) = annualisation
        let estimates = self.estimates
        let reached = frame.values(people.reached)
        let contacts = frame.values(acc.events.contacts)
        let ns = items.values(items: nsItems)
        let regular = acc.nWindows >= 2 ? frame.values(people.regular) : frame.none
        let pwid = frame.values(people.pwid)
        let nonInjecting = frame.values(people.reached.indices.map { people.reached[$0] - people.pwid[$0] })
        let pwidNS = frame.values(people.pwidNS)
        let pwidRegular = acc.nWindows >= 2 ? frame.values(people.pwidRegular) : frame.none
        func count(_ id: String, _ v: [Double?], people: Bool = true) -> ReportRow {
            ReportRow(id: id, label: label(id), kind: .count, values: v, countsPeople: people)
        }
        let rows: [ReportRow] = [
            count("clients.reached", reached),
            count("clients.new", frame.values(people.new)),
            count("clients.pwid", pwid),
            count("clients.nonInjecting", nonInjecting),
            count("contacts", contacts, people: false),
            ReportRow(id: "contacts.perClient", label: label("contacts.perClient"), kind: .ratio,
                      values: ratio(contacts, reached, 1), dependsOn: ["contacts", "clients.reached"]),
            count("clients.ns", frame.values(people.ns)),
            count("clients.pwid.ns", pwidNS),
            ReportRow(id: "ns.distributed", label: label("ns.distributed"), kind: .quantity, values: ns),
            ReportRow(id: "ns.perClient", label: label("ns.perClient"), kind: .ratio,
                      values: ratio(ns, reached, 1), dependsOn: ["ns.distributed", "clients.reached"]),
            ReportRow(id: "ns.perPWIDReached", label: label("ns.perPWIDReached"), kind: .ratio,
                      values: ratio(ns, pwid, 1), dependsOn: ["ns.distributed", "clients.pwid"]),
            ReportRow(id: "ns.perPWID", label: label("ns.perPWID"), kind: .ratio,
                      values: ratio(ns, estimates, factor), annualised: annualised, dependsOn: ["ns.distributed"]),
            ReportRow(id: "prv8.coverage", label: label("prv8.coverage"), kind: .percent,
                      values: ratio(pwidNS, estimates, 100), dependsOn: ["clients.pwid.ns"]),
            count("clients.regular", regular),
            count("clients.pwid.regular", pwidRegular),
            ReportRow(id: "prv9.regularAccess", label: label("prv9.regularAccess"), kind: .percent,
                      values: ratio(pwidRegular, pwid, 100), dependsOn: ["clients.pwid.regular", "clients.pwid"]),
            count("clients.pwid.oat", frame.values(people.pwidOAT)),
            ReportRow(id: "naloxone.distributed", label: label("naloxone.distributed"), kind: .quantity,
                      values: items.values(items: naloxoneItems)),
            count("overdoses", frame.values(acc.events.overdoses), people: false),
            count("overdoses.reversed", frame.values(acc.events.reversals), people: false),
        ] + Self.overdoseKindRows.enumerated().map { k, id in
            count(id, frame.values { Double(acc.events.overdoseKinds[$0 * EventTallies.kindCount + k]) }, people: false)
        } + Self.responderRows.enumerated().map { k, id in
            count(id, frame.values { Double(acc.events.responders[$0 * EventTallies.responderCount + k]) }, people: false)
        }
        return ReportTable(id: Self.tableID, title: .key("report.table.reach", []), columns: frame.columns, rows: rows,
                           suppressible: true)
    }

    /// Needles/syringes and naloxone are sums of item rows.
    func sums() -> [RowSum] {
        func rows(_ list: [Int]) -> [(table: String, row: String)] {
            list.map { (ItemsTableBuilder.tableID, ItemsTableBuilder.rowID(acc, item: $0)) }
        }
        return [
            RowSum(table: Self.tableID, total: "ns.distributed", parts: rows(nsItems)),
            RowSum(table: Self.tableID, total: "naloxone.distributed", parts: rows(naloxoneItems)),
            // Every client reached either injects or not.
            RowSum(Self.tableID, "clients.reached", ["clients.pwid", "clients.nonInjecting"]),
            // Every overdose has one kind (or none recorded).
            RowSum(Self.tableID, "overdoses", Self.overdoseKindRows),
        ]
    }
}
