import Foundation

/// Stock figures of one trust point and item over the period.
struct StockFigures {
    var opening: Int64 = 0
    var received: Int64 = 0
    var transferIn: Int64 = 0
    var distributed: Int64 = 0
    var transferOut: Int64 = 0
    /// One per `WriteOffReason`, in `allCases` order.
    var writtenOff: [Int64] = Array(repeating: 0, count: WriteOffReason.allCases.count)
    var adjusted: Int64 = 0
    var discrepancies: Int64 = 0
    var movementsOutside: Int64 = 0
    /// Movements after the period (lots are only known as they are now).
    var movedAfter = false
    var distributedAfter: Int64 = 0
    var active = false

    var closing: Int64 { opening &+ received &+ transferIn &- distributed &- transferOut &- writtenOff.reduce(0, &+) &+ adjusted }
}

/// Distribution per site and item (from the contact pass) and the figures built from it and
/// the stock movements. Arrays are indexed `site * nItems + item`.
struct StockTally {
    var distPeriod: [Int64] = []
    var distRecent: [Int64] = []
    var distOutside: [Int64] = []
    /// Distribution outside the period is summed on its shorter side (before or after).
    var outsideIsBefore = true
    /// The window of the distribution rate behind "days left".
    var recentStart: Timestamp = 0
    var recentEnd: Timestamp = 0
    /// nil where nothing happened.
    var figures: [StockFigures?] = []

    init() {}
    init(sites: Int, items: Int) {
        distPeriod = [Int64](repeating: 0, count: sites * items)
        distRecent = distPeriod
        distOutside = distPeriod
    }
}

extension ReportAccumulator {
    /// Stock movements of the scope, discrepancies of the period, and opening levels.
    mutating func stockScans() {
        var figures = [StockFigures?](repeating: nil, count: nSites * nItems)
        let writeOffIndex = Dictionary(uniqueKeysWithValues: WriteOffReason.allCases.enumerated().map { ($1, $0) })
        for m in ledger.movements {
            if let s = scopeSite, m.site != s { continue }
            let key = Int(m.site) * nItems + Int(m.item)
            var f = figures[key] ?? StockFigures()
            if m.at < start {
                if stock.outsideIsBefore { f.movementsOutside &+= m.delta }
            } else if m.at >= end {
                if !stock.outsideIsBefore { f.movementsOutside &+= m.delta }
                f.movedAfter = true
            } else {
                f.active = true
                switch m.kind {
                case .received: f.received &+= m.delta
                case .transferIn: f.transferIn &+= m.delta
                case .transferOut: f.transferOut &-= m.delta
                case .writtenOff: f.writtenOff[writeOffIndex[m.reason ?? .other]!] &-= m.delta
                case .adjusted: f.adjusted &+= m.delta
                case .distributed: f.distributed &-= m.delta
                }
            }
            figures[key] = f
        }
        // Discrepancies are in time order: count those of the period per site and item.
        let list = ledger.discrepancies
        let lo = list.partitioningIndex { $0.at >= start }
        var counts = [Int64](repeating: 0, count: nSites * nItems)
        var i = lo
        while i < list.count && list[i].at < end {
            let d = list[i]
            if scopeSite == nil || d.site == scopeSite! { counts[Int(d.site) * nItems + Int(d.item)] += 1 }
            i += 1
        }
        for (k, _) in ledger.stock {
            if let s = scopeSite, k.site != s { continue }
            let key = Int(k.site) * nItems + Int(k.item)
            if figures[key] == nil { figures[key] = StockFigures() }
        }
        for key in 0..<figures.count where stock.distPeriod[key] != 0 || counts[key] != 0 {
            if let s = scopeSite, key / nItems != Int(s) { continue }
            var f = figures[key] ?? StockFigures()
            f.active = true
            f.discrepancies = counts[key]
            figures[key] = f
        }
        for key in 0..<figures.count {
            guard var f = figures[key] else { continue }
            f.distributed &+= stock.distPeriod[key]
            let level = ledger.stock[LedgerState.StockKey(site: Int32(key / nItems), item: Int32(key % nItems))]?.level ?? 0
            // level now = opening + changes in the period + changes after it.
            let inPeriod = f.received &+ f.transferIn &- f.transferOut &- f.writtenOff.reduce(0, &+) &+ f.adjusted &- f.distributed
            if stock.outsideIsBefore {
                f.opening = f.movementsOutside &- stock.distOutside[key]
                // Only the sign matters: was anything handed out after the period?
                f.distributedAfter = f.opening &+ inPeriod &- level
            } else {
                f.opening = level &- inPeriod &- (f.movementsOutside &- stock.distOutside[key])
                f.distributedAfter = stock.distOutside[key]
            }
            figures[key] = f
        }
        stock.figures = figures
    }
}
