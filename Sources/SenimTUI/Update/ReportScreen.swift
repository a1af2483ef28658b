import Foundation
import SenimCore

/// A month's internal summary computed straight from the ledger (contacts, unique clients,
/// items per category…). Labelled "internal": it is not the funders' indicator report.
public struct InternalSummary: Hashable, Sendable {
    public struct Row: Hashable, Sendable {
        /// A TUI string key, or a catalogue category for item rows.
        public var label: Label
        public var value: Int64
    }
    public var year: Int
    public var month: Int
    public var rows: [Row]
    /// Contacts per month for the six months ending with this one (oldest first).
    public var trend: [(label: String, contacts: Int)]

    public static func == (a: InternalSummary, b: InternalSummary) -> Bool {
        a.year == b.year && a.month == b.month && a.rows == b.rows && a.trend.map(\.contacts) == b.trend.map(\.contacts)
    }
    public func hash(into h: inout Hasher) { h.combine(year); h.combine(month); h.combine(rows) }

    /// `site` nil means every point.
    public static func compute(_ l: LedgerState, catalogue: Catalogue, site: String?, today: DayNumber,
                               monthsBack: Int, utcOffset: Int) -> InternalSummary {
        let mo = Clock.month(containing: today, monthsBack: monthsBack)
        let from = Clock.start(of: mo.start, utcOffset), to = Clock.start(of: mo.end, utcOffset)
        let siteIndex = site.flatMap { l.sites.lookup($0) }
        let wantSite: (Int32) -> Bool = { s in site == nil || s == siteIndex }
        var contacts: Int64 = 0
        var clients = Set<Int32>()
        var perCategory: [Catalogue.Category: Int64] = [:]
        var needles: Int64 = 0, naloxone: Int64 = 0, overdoses: Int64 = 0, reversals: Int64 = 0, services: Int64 = 0
        var i = l.firstContact(atOrAfter: from)
        while i < l.contacts.count, l.contacts[i].at < to {
            let c = l.contacts[i]
            i += 1
            guard wantSite(c.site) else { continue }
            contacts += 1
            clients.insert(l.canonical(c.client))
            for line in l.lines(of: c) {
                guard let item = catalogue.item(l.items[line.item]) else { continue }
                perCategory[item.category, default: 0] += Int64(line.quantity)
                if item.isNeedleOrSyringe { needles += Int64(line.quantity) }
                if item.id == "naloxone" { naloxone += Int64(line.quantity) }
            }
            services += Int64(c.servicesCount)
            if c.overdose >= 0 {
                overdoses += 1
                if catalogue.overdoseOutcome(l.outcomes[c.overdose])?.isReversal ?? false { reversals += 1 }
            }
        }
        var newClients: Int64 = 0
        for c in l.clients where c.firstSeen >= from && c.firstSeen < to && c.mergedInto == nil && wantSite(c.firstSite) {
            newClients += 1
        }
        var referrals: Int64 = 0
        for r in l.referralList where r.issuedAt >= from && r.issuedAt < to && (site == nil || r.site == site) {
            referrals += 1
        }
        var rows: [Row] = [
            Row(label: .key("tui.reports.contacts"), value: contacts),
            Row(label: .key("tui.reports.clients"), value: Int64(clients.count)),
            Row(label: .key("tui.reports.newClients"), value: newClients),
            Row(label: .key("tui.reports.needles"), value: needles),
            Row(label: .key("tui.reports.naloxone"), value: naloxone),
            Row(label: .key("tui.reports.services"), value: services),
            Row(label: .key("tui.reports.overdoses"), value: overdoses),
            Row(label: .key("tui.reports.reversals"), value: reversals),
            Row(label: .key("tui.reports.referrals"), value: referrals),
        ]
        for cat in Catalogue.Category.allCases {
            rows.append(Row(label: .key("tui.category.\(cat.rawValue)"), value: perCategory[cat] ?? 0))
        }
        var trend: [(String, Int)] = []
        for back in stride(from: monthsBack + 5, through: monthsBack, by: -1) {
            let m = Clock.month(containing: today, monthsBack: back)
            let a = Clock.start(of: m.start, utcOffset), b = Clock.start(of: m.end, utcOffset)
            var n = 0
            var j = l.firstContact(atOrAfter: a)
            while j < l.contacts.count, l.contacts[j].at < b {
                if wantSite(l.contacts[j].site) { n += 1 }
                j += 1
            }
            trend.append((String(format: "%04d-%02d", m.year, m.month), n))
        }
        return InternalSummary(year: mo.year, month: mo.month, rows: rows, trend: trend)
    }

    /// Counts from 1 to 4 are shown as "<5" in exports (small-cell suppression).
    public static func suppressed(_ v: Int64) -> String { (1...4).contains(v) ? "<5" : String(v) }
}

enum ReportScreen {
    static func summary(_ m: Model) -> InternalSummary? {
        guard let s = m.session else { return nil }
        return InternalSummary.compute(s.ledger, catalogue: m.config.catalogue,
                                       site: s.role == .coordinator ? nil : s.point,
                                       today: m.today, monthsBack: m.reports.monthsBack, utcOffset: m.utcOffset)
    }

    static func rowCount(_ m: Model) -> Int { summary(m)?.rows.count ?? 0 }

    static func label(_ m: Model, _ l: Label) -> String {
        switch l {
        case .key(let k): return m.t(k)
        case .text(let t): return t[m.language]
        case .raw(let r): return r
        }
    }

    /// CSV of the internal summary with small cells suppressed.
    static func export(_ m: inout Model) -> [Effect] {
        guard let sum = summary(m), let s = m.session else { return [] }
        let period = String(format: "%04d-%02d", sum.year, sum.month)
        var csv = "indicator,period,scope,value\n"
        let scope = s.role == .coordinator ? "all" : s.point
        for r in sum.rows {
            let name: String
            switch r.label {
            case .key(let k): name = String(k.split(separator: ".").last ?? "")
            case .text(let t): name = t.en
            case .raw(let x): name = x
            }
            csv += "\(name),\(period),\(scope),\(InternalSummary.suppressed(r.value))\n"
        }
        return [.export(fileName: "senim-internal-\(period).csv", content: csv)]
    }
}
