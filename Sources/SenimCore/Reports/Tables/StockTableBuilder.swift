import Foundation

/// Table `stock`: one row per trust point and item, one column per stock measure. Not suppressed.
struct StockTableBuilder {
    static let tableID = "stock"
    let acc: ReportAccumulator

    func table() -> ReportTable {
        let ledger = acc.ledger
        let configuration = acc.configuration
        let cat = configuration.catalogue
        let period = acc.period
        let nItems = acc.nItems
        let tz = period.timeZone
        let columns = Reports.stockMeasures.map { ReportColumn(id: $0, label: .key("report.stock.\($0)", [])) }
        // Site order: configured points, then other sites; item order: catalogue, then others.
        var siteOrder: [Int] = []
        var seenSites = Set<Int>()
        for p in configuration.points.points { if let i = ledger.sites.lookup(p.id) { siteOrder.append(Int(i)); seenSites.insert(Int(i)) } }
        for i in 0..<acc.nSites where !seenSites.contains(i) { siteOrder.append(i) }
        var itemOrder: [Int] = []
        var seenItems = Set<Int>()
        for it in cat.items { if let i = ledger.items.lookup(it.id) { itemOrder.append(Int(i)); seenItems.insert(Int(i)) } }
        for i in 0..<nItems where !seenItems.contains(i) { itemOrder.append(i) }

        let lastDay = ReportPeriod.dayNumber(of: period.end.addingTimeInterval(-1), timeZone: tz)
        let horizon = lastDay + ReportingConfig.expiryHorizonDays
        let recentDays = Double(acc.stock.recentEnd - acc.stock.recentStart) / Double(Reports.day)
        var rows: [ReportRow] = []
        for s in siteOrder {
            let siteID = ledger.sites[Int32(s)]
            let siteLabel: ReportLabel = configuration.points.point(siteID).map { .text($0.names) } ?? .literal(siteID)
            for it in itemOrder {
                let key = s * nItems + it
                guard let f = acc.stock.figures[key] else { continue }
                let closing = f.closing
                let level = ledger.stock[LedgerState.StockKey(site: Int32(s), item: Int32(it))]
                // Lots are known as they are now: exact for the period's end only if nothing moved since.
                var expired: Int64? = nil, expiring: Int64? = nil
                if !f.movedAfter && f.distributedAfter == 0 {
                    expired = 0
                    expiring = 0
                    for lot in level?.lots ?? [] {
                        guard let e = lot.expires else { continue }
                        if Int(e) <= lastDay { expired! += lot.remaining } else if Int(e) <= horizon { expiring! += lot.remaining }
                    }
                }
                guard f.active || f.opening != 0 || closing != 0 || (expired ?? 0) != 0 || (expiring ?? 0) != 0 else { continue }
                let rate = Double(acc.stock.distRecent[key]) / recentDays
                let daysLeft: Double? = rate > 0 ? (closing <= 0 ? 0 : (Double(closing) / rate).rounded(.down)) : nil
                var v: [Double?] = [Double(f.opening), Double(f.received), Double(f.transferIn), Double(f.distributed), Double(f.transferOut)]
                v += f.writtenOff.map { Double($0) }
                v += [Double(f.adjusted), Double(closing), Double(f.discrepancies), expired.map(Double.init), expiring.map(Double.init), daysLeft]
                let itemID = ledger.items[Int32(it)]
                let itemLabel: ReportLabel = cat.item(itemID).map { .text($0.names) } ?? .literal(itemID)
                rows.append(ReportRow(id: "stock.\(siteID).\(itemID)", label: itemLabel, kind: .stock, values: v,
                                      group: siteID, groupLabel: siteLabel))
            }
        }
        return ReportTable(id: Self.tableID, title: .key("report.table.stock", []), columns: columns, rows: rows, suppressible: false)
    }
}
