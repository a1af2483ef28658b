import Foundation

extension Reports {
    /// Clients reached in the period (after merges, one line per person), with their codes.
    /// Identifying: `run` allows it to coordinators only.
    public static func lineList(ledger: LedgerState, configuration: Configuration, period: ReportPeriod,
                                point: String?) -> [LineListEntry] {
        let start = period.startTimestamp, end = period.endTimestamp
        let scope: Int32? = point.map { ledger.sites.lookup($0) ?? -2 }
        let tz = period.timeZone
        let startYear = ReportPeriod.calendar(tz).component(.year, from: period.start)
        let cat = configuration.catalogue
        let isNS = (0..<ledger.items.count).map { cat.item(ledger.items[Int32($0)])?.isNeedleOrSyringe ?? false }
        var canon = [Int32](repeating: 0, count: ledger.clients.count)
        var merged: [Int32: [String]] = [:]
        var firstSeen: [Int32: Timestamp] = [:]
        for i in ledger.clients.indices {
            let c = ledger.canonical(Int32(i))
            canon[i] = c
            if c != Int32(i) { merged[c, default: []].append(ledger.clients[i].uic.code) }
            firstSeen[c] = min(firstSeen[c] ?? .max, ledger.clients[i].firstSeen)
        }
        struct Tally { var contacts = 0; var ns = 0; var last: Timestamp = 0 }
        var tally: [Int32: Tally] = [:]
        let lo = ledger.firstContact(atOrAfter: start), hi = ledger.firstContact(atOrAfter: end)
        for i in lo..<hi {
            let rec = ledger.contacts[i]
            if let scope, rec.site != scope { continue }
            let c = canon[Int(rec.client)]
            var t = tally[c] ?? Tally()
            t.contacts += 1
            t.last = max(t.last, rec.at)
            for line in ledger.lines(of: rec) where isNS[Int(line.item)] { t.ns += Int(line.quantity) }
            tally[c] = t
        }
        func date(_ ts: Timestamp) -> String { ReportPeriod.isoDate(Date(timeIntervalSince1970: TimeInterval(ts)), tz) }
        return tally.map { c, t in
            let uic = ledger.clients[Int(c)].uic
            let by = configuration.uic.birthYear(of: uic, referenceYear: startYear)
            return LineListEntry(uic: uic.code, mergedCodes: (merged[c] ?? []).sorted(), sex: configuration.uic.sex(of: uic),
                                 ageGroup: ageGroup(birthYear: by, referenceYear: startYear).id,
                                 firstSeen: date(firstSeen[c] ?? start), contacts: t.contacts, needlesSyringes: t.ns,
                                 lastContact: date(t.last))
        }.sorted { $0.uic < $1.uic }
    }

    /// Contacts and unique clients (after merges) per calendar month, oldest first, for the
    /// `months` months ending with the one that contains `endingAt` (programme time zone).
    public static func monthlyTrend(ledger: LedgerState, configuration: Configuration, months: Int, endingAt: Date,
                                    point: String?) -> [(label: String, contacts: Int, clients: Int)] {
        guard months > 0 else { return [] }
        let tz = configuration.reporting.timeZone
        var periods = [ReportPeriod.containing(endingAt, kind: .month, timeZone: tz)]
        while periods.count < months { periods.insert(periods[0].previous(), at: 0) }
        let bounds = periods.map(\.startTimestamp) + [periods.last!.endTimestamp]
        let scope: Int32? = point.map { ledger.sites.lookup($0) ?? -2 }
        var canon = [Int32](repeating: 0, count: ledger.clients.count)
        for i in canon.indices { canon[i] = ledger.canonical(Int32(i)) }
        var lastMonth = [Int32](repeating: -1, count: ledger.clients.count)
        var contacts = [Int](repeating: 0, count: months)
        var clients = [Int](repeating: 0, count: months)
        var m = 0
        let lo = ledger.firstContact(atOrAfter: bounds[0]), hi = ledger.firstContact(atOrAfter: bounds[months])
        for i in lo..<hi {
            let rec = ledger.contacts[i]
            while rec.at >= bounds[m + 1] { m += 1 }
            if let scope, rec.site != scope { continue }
            contacts[m] += 1
            let c = Int(canon[Int(rec.client)])
            if lastMonth[c] != Int32(m) { lastMonth[c] = Int32(m); clients[m] += 1 }
        }
        return periods.enumerated().map { (i, p) in (label: p.label, contacts: contacts[i], clients: clients[i]) }
    }
}
