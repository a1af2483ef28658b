import Foundation

/// Reports are pure functions of the ledger state: figures for a period, a scope (one trust
/// point or all) and an optional disaggregation, then suppression and rendering.
/// Definitions of every indicator: docs/indicators.md.
public enum Reports {
    static let day: Int64 = 86_400

    /// Stock measures, in column order.
    public static let stockMeasures: [String] = [
        "opening", "received", "transferIn", "distributed", "transferOut",
        "writtenOff.expired", "writtenOff.damaged", "writtenOff.lost", "writtenOff.seized", "writtenOff.other",
        "adjusted", "closing", "discrepancies", "expired", "expiring", "daysLeft",
    ]
    static let referralStatuses = ["issued", "attended", "declined", "lost", "open"]

    /// Every row id a report can have for this catalogue (the keys a DHIS2 mapping may use),
    /// plus `stock.<item>.<measure>` for stock figures.
    public static func indicatorIDs(catalogue: Catalogue) -> [String] {
        var ids = reachRowIDs
        for c in Catalogue.Category.allCases { ids.append("items.category.\(c.rawValue)") }
        for i in catalogue.items { ids.append("items.\(i.id)") }
        for s in ["all"] + catalogue.services.map(\.id) {
            for st in referralStatuses { ids.append("referrals.\(s).\(st)") }
            ids.append("referrals.\(s).completion")
        }
        ids.append("referrals.all.medianDays")
        for i in catalogue.items { for m in stockMeasures { ids.append("stock.\(i.id).\(m)") } }
        return ids
    }

    static let reachRowIDs = [
        "clients.reached", "clients.new", "contacts", "contacts.perClient", "clients.ns", "ns.distributed",
        "ns.perClient", "ns.perPWID", "prv8.coverage", "clients.regular", "prv9.regularAccess",
        "naloxone.distributed", "overdoses", "overdoses.reversed",
    ]

    // MARK: compute

    /// Exact figures for `period`, one trust point (`point`) or all (nil), optionally split `by`.
    /// One pass over the period's contacts (found by binary search), one over stock movements,
    /// one over referrals.
    public static func compute(ledger: LedgerState, configuration: Configuration, period: ReportPeriod,
                               point: String?, by: Disaggregation?) -> IndicatorReport {
        var acc = Accumulator(ledger: ledger, configuration: configuration, period: period, point: point, by: by)
        acc.run()
        return acc.assemble()
    }

    /// Age group column id of a birth year at the start of a period.
    static func ageGroup(birthYear: Int?, referenceYear: Int) -> Int {
        guard let b = birthYear else { return 2 }
        return referenceYear - b < ReportingConfig.youngAgeBelow ? 0 : 1
    }
    static let ageIDs = ["under-25", "25-plus", "unknown"]
}

/// The single-pass engine behind `Reports.compute`.
struct Accumulator {
    let ledger: LedgerState
    let configuration: Configuration
    let period: ReportPeriod
    let point: String?
    let by: Disaggregation?

    let start: Timestamp
    let end: Timestamp
    let scopeSite: Int32?
    let nItems: Int
    let nSites: Int
    let startYear: Int

    // Column space: `nRaw` raw columns plus the total at index `nRaw`.
    var nRaw = 0
    var sexKeys: [String] = []
    var extraWorkers: [String] = []

    // Per canonical client.
    var canon: [Int32] = []
    var firstSeen: [Timestamp] = []
    var clientColumn: [Int32] = []
    var flags: [UInt8] = []
    var lastWindow: [Int32] = []
    var windowsHit: [Int32] = []
    var reached: [Int32] = []

    struct Pair { var flags: UInt8; var lastWindow: Int32; var hits: Int32 }
    var pairs: [Int: Pair] = [:]

    // Per column.
    var contacts: [Int] = []
    var itemQty: [Int] = []
    var overdoses: [Int] = []
    var reversals: [Int] = []
    var clientsReached: [Int] = []
    var clientsNew: [Int] = []
    var clientsNS: [Int] = []
    var clientsRegular: [Int] = []
    var rawHasData: [Bool] = []

    // Windows for PRV.9.
    let nWindows: Int
    static let windowSeconds = Int64(ReportingConfig.regularAccessWindowDays) * Reports.day

    // Stock, per site × item.
    var distPeriod: [Int64] = []
    var distRecent: [Int64] = []
    var distOutside: [Int64] = []
    var outsideIsBefore = true
    var recentStart: Timestamp = 0
    var recentEnd: Timestamp = 0

    // Referrals.
    var serviceNames: [String] = []
    var refCounts: [Int] = []   // [service][status][column]
    var refDays: [[Int]] = []   // per column: days to attendance (all services)

    // Item properties by interner index.
    var isNS: [Bool] = []
    var isNaloxone: [Bool] = []
    var isReversal: [Bool] = []

    static let reachedFlag: UInt8 = 1
    static let nsFlag: UInt8 = 2

    init(ledger: LedgerState, configuration: Configuration, period: ReportPeriod, point: String?, by: Disaggregation?) {
        self.ledger = ledger
        self.configuration = configuration
        self.period = period
        self.point = point
        self.by = by
        start = period.startTimestamp
        end = period.endTimestamp
        scopeSite = point.map { ledger.sites.lookup($0) ?? -2 }
        nItems = ledger.items.count
        nSites = ledger.sites.count
        startYear = ReportPeriod.calendar(period.timeZone).component(.year, from: period.start)
        let days = period.days
        nWindows = days / ReportingConfig.regularAccessWindowDays
    }

    var total: Int { nRaw }

    mutating func run() {
        let cat = configuration.catalogue
        let n = ledger.clients.count
        // Canonical clients and the earliest first sighting over every merged code.
        canon = [Int32](repeating: 0, count: n)
        firstSeen = [Timestamp](repeating: .max, count: n)
        for i in 0..<n {
            let c = ledger.canonical(Int32(i))
            canon[i] = c
            let f = ledger.clients[i].firstSeen
            if f < firstSeen[Int(c)] { firstSeen[Int(c)] = f }
        }
        flags = [UInt8](repeating: 0, count: n)
        lastWindow = [Int32](repeating: -1, count: n)
        windowsHit = [Int32](repeating: 0, count: n)
        clientColumn = [Int32](repeating: -1, count: n)

        // Item and outcome properties.
        isNS = (0..<nItems).map { cat.item(ledger.items[Int32($0)])?.isNeedleOrSyringe ?? false }
        let nalox = Set(configuration.reporting.naloxoneItems)
        isNaloxone = (0..<nItems).map { nalox.contains(ledger.items[Int32($0)]) }
        isReversal = (0..<ledger.outcomes.count).map { cat.overdoseOutcome(ledger.outcomes[Int32($0)])?.isReversal ?? false }

        // Referral services and (for the worker split) issuers not seen as authors of contacts.
        serviceNames = cat.services.map(\.id)
        var serviceIndex: [String: Int] = Dictionary(uniqueKeysWithValues: serviceNames.enumerated().map { ($1, $0) })
        var periodReferrals: [ReferralRecord] = []
        var extraWorkerIndex: [String: Int] = [:]
        for id in ledger.referralOrder {
            guard let r = ledger.referrals[id], r.issuedAt >= start, r.issuedAt < end else { continue }
            if let point, r.site != point { continue }
            periodReferrals.append(r)
            if serviceIndex[r.service] == nil {
                serviceIndex[r.service] = serviceNames.count
                serviceNames.append(r.service)
            }
            if by == .worker, ledger.workers.lookup(r.issuedBy) == nil, extraWorkerIndex[r.issuedBy] == nil {
                extraWorkerIndex[r.issuedBy] = extraWorkers.count
                extraWorkers.append(r.issuedBy)
            }
        }

        switch by {
        case nil: nRaw = 0
        case .sex:
            sexKeys = configuration.uic.sexDigits.keys.sorted()
            nRaw = sexKeys.count + 1
        case .age: nRaw = 3
        case .point: nRaw = nSites
        case .worker: nRaw = ledger.workers.count + extraWorkers.count
        case .type: nRaw = ledger.contactTypes.count
        }
        let cols = nRaw + 1
        contacts = [Int](repeating: 0, count: cols)
        overdoses = contacts
        reversals = contacts
        clientsReached = contacts
        clientsNew = contacts
        clientsNS = contacts
        clientsRegular = contacts
        rawHasData = [Bool](repeating: false, count: cols)
        itemQty = [Int](repeating: 0, count: cols * nItems)
        distPeriod = [Int64](repeating: 0, count: nSites * nItems)
        distRecent = distPeriod
        distOutside = distPeriod

        contactPass()
        stockScans()

        // Person counts.
        let personal = by == nil || by!.isPersonAttribute
        for c in reached {
            let ci = Int(c)
            let f = flags[ci]
            let isNew = firstSeen[ci] >= start
            let regular = nWindows >= 2 && Int(windowsHit[ci]) == nWindows
            var targets = [total]
            if personal, by != nil { targets.append(Int(clientColumn[ci])) }
            for t in targets {
                clientsReached[t] += 1
                if isNew { clientsNew[t] += 1 }
                if f & Self.nsFlag != 0 { clientsNS[t] += 1 }
                if regular { clientsRegular[t] += 1 }
            }
        }
        if !personal {
            func count(_ key: Int, _ flags: UInt8, _ hits: Int32) {
                let col = key % nRaw
                let ci = key / nRaw
                clientsReached[col] += 1
                if firstSeen[ci] >= start { clientsNew[col] += 1 }
                if flags & Self.nsFlag != 0 { clientsNS[col] += 1 }
                if nWindows >= 2 && Int(hits) == nWindows { clientsRegular[col] += 1 }
            }
            for (key, p) in pairs { count(key, p.flags, p.hits) }
            for key in pairMask.indices where pairMask[key] != 0 {
                let m = pairMask[key]
                count(key, Self.reachedFlag | (m >> 31 != 0 ? Self.nsFlag : 0), Int32((m & 0x7FFF_FFFF).nonzeroBitCount))
            }
        }

        // Referrals.
        refCounts = [Int](repeating: 0, count: serviceNames.count * 5 * cols)
        refDays = [[Int]](repeating: [], count: cols)
        let tz = period.timeZone
        for r in periodReferrals {
            let s = serviceIndex[r.service]!
            var col: Int? = nil
            switch by {
            case nil, .type: col = nil
            case .sex, .age:
                if let i = ledger.clientIndex[r.client] { col = Int(column(ofClient: canon[Int(i)])) }
            case .point: col = ledger.sites.lookup(r.site).map { Int($0) }
            case .worker:
                col = ledger.workers.lookup(r.issuedBy).map { Int($0) } ?? extraWorkerIndex[r.issuedBy].map { ledger.workers.count + $0 }
            }
            let status: Int
            switch r.status {
            case .issued, .accompanied: status = 4
            case .attended: status = 1
            case .declined: status = 2
            case .lost: status = 3
            }
            var days: Int? = nil
            if r.status == .attended {
                let at = r.history.first(where: { $0.status == .attended })?.at ?? r.statusAt
                days = ReportPeriod.dayNumber(of: Date(timeIntervalSince1970: TimeInterval(at)), timeZone: tz)
                    - ReportPeriod.dayNumber(of: Date(timeIntervalSince1970: TimeInterval(r.issuedAt)), timeZone: tz)
            }
            for t in [total] + (col.map { [$0] } ?? []) {
                refCounts[(s * 5 + 0) * cols + t] += 1
                refCounts[(s * 5 + status) * cols + t] += 1
                if let days { refDays[t].append(days) }
                rawHasData[t] = true
            }
        }
    }

    /// The person-attribute column of a canonical client (sex or age group), cached.
    mutating func column(ofClient c: Int32) -> Int32 {
        let ci = Int(c)
        if clientColumn[ci] >= 0 { return clientColumn[ci] }
        let col = personColumn(ci)
        clientColumn[ci] = col
        return col
    }

    /// The person-attribute column of a client, computed (not cached).
    func personColumn(_ c: Int) -> Int32 {
        let uic = ledger.clients[c].uic
        switch by {
        case .sex:
            if let s = configuration.uic.sex(of: uic), let k = sexKeys.firstIndex(of: s) { return Int32(k) }
            return Int32(sexKeys.count)
        case .age:
            return Int32(Reports.ageGroup(birthYear: configuration.uic.birthYear(of: uic, referenceYear: startYear), referenceYear: startYear))
        default:
            return 0
        }
    }

    /// Per (client, column) state is kept in flat arrays up to this many entries, in a dictionary beyond.
    /// (Variable only so that tests can run both paths; either gives the same figures.)
    nonisolated(unsafe) static var flatPairLimit = 2_000_000

    var pairMask: [UInt32] = []

    mutating func contactPass() {
        let lo = ledger.firstContact(atOrAfter: start)
        let hi = ledger.firstContact(atOrAfter: end)
        // Saturating: the last event may sit at any representable time (issue 13).
        let lastAt = ledger.last?.at ?? end
        recentEnd = lastAt >= end ? end : lastAt + 1
        let span = Int64(ReportingConfig.recentRateDays) * Reports.day
        recentStart = recentEnd >= Int64.min + span ? recentEnd - span : Int64.min
        let all = ledger.contacts
        let lines = ledger.contactItems
        let total = self.total
        let nI = nItems
        let personal = by == nil || by!.isPersonAttribute
        let scope = scopeSite ?? -1
        let scoped = scopeSite != nil
        let byMode = by
        let windows = Int64(max(nWindows, 1))
        let recentStart = self.recentStart
        let start = self.start
        let nRaw = self.nRaw
        let canon = self.canon
        let isNS = self.isNS
        let isReversal = self.isReversal
        // Flat per-(client, column) state: one UInt32 each, bits 0…30 the 30-day windows seen,
        // bit 31 "received needles/syringes". Needs at most 31 windows (periods up to ~2.6 years).
        let flat = !personal && nRaw * ledger.clients.count <= Self.flatPairLimit && windows <= 31

        // Accumulators are moved out of `self` so that the loop works on uniquely held locals.
        var contacts = self.contacts; self.contacts = []
        var overdoses = self.overdoses; self.overdoses = []
        var reversals = self.reversals; self.reversals = []
        var rawHasData = self.rawHasData; self.rawHasData = []
        var itemQty = self.itemQty; self.itemQty = []
        var distPeriod = self.distPeriod; self.distPeriod = []
        var distRecent = self.distRecent; self.distRecent = []
        var flags = self.flags; self.flags = []
        var lastWindow = self.lastWindow; self.lastWindow = []
        var windowsHit = self.windowsHit; self.windowsHit = []
        var clientColumn = self.clientColumn; self.clientColumn = []
        var reached = self.reached; self.reached = []
        var pairs = self.pairs; self.pairs = [:]
        let pairCount = flat ? nRaw * ledger.clients.count : 0
        var pairMask = [UInt32](repeating: 0, count: pairCount)

        for i in lo..<hi {
            let rec = all[i]
            let site = Int(rec.site)
            let inScope = !scoped || rec.site == scope
            let recent = rec.at >= recentStart
            var col = -1
            var c = 0
            var gotNS = false
            if inScope {
                c = Int(canon[Int(rec.client)])
                switch byMode {
                case nil: col = -1
                case .sex?, .age?:
                    var cc = clientColumn[c]
                    if cc < 0 { cc = personColumn(c); clientColumn[c] = cc }
                    col = Int(cc)
                case .point?: col = site
                case .worker?: col = Int(rec.worker)
                case .type?: col = Int(rec.type)
                }
                contacts[total] += 1
                if col >= 0 { contacts[col] += 1; rawHasData[col] = true }
                if rec.overdose >= 0 {
                    overdoses[total] += 1
                    if col >= 0 { overdoses[col] += 1 }
                    if isReversal[Int(rec.overdose)] {
                        reversals[total] += 1
                        if col >= 0 { reversals[col] += 1 }
                    }
                }
            }
            let s = Int(rec.itemsStart), e = s + Int(rec.itemsCount)
            var k = s
            while k < e {
                let line = lines[k]
                let it = Int(line.item)
                let q = Int(line.quantity)
                let key = site * nI + it
                distPeriod[key] += Int64(q)
                if recent { distRecent[key] += Int64(q) }
                if inScope {
                    itemQty[total * nI + it] += q
                    if col >= 0 { itemQty[col * nI + it] += q }
                    if isNS[it] { gotNS = true }
                }
                k += 1
            }
            guard inScope else { continue }
            // Per client (the total, and person-attribute columns).
            var w = Int32((rec.at - start) / Self.windowSeconds)
            if Int64(w) >= windows { w = Int32(windows - 1) }
            let add = Self.reachedFlag | (gotNS ? Self.nsFlag : 0)
            if flags[c] == 0 { reached.append(Int32(c)) }
            flags[c] |= add
            if lastWindow[c] != w { lastWindow[c] = w; windowsHit[c] += 1 }
            // Per client and column when a client can be in several columns.
            if !personal {
                let key = c * nRaw + col
                if flat {
                    pairMask[key] |= (1 << UInt32(w)) | (gotNS ? 1 << 31 : 0)
                } else {
                    var p = pairs[key] ?? Pair(flags: 0, lastWindow: -1, hits: 0)
                    p.flags |= add
                    if p.lastWindow != w { p.lastWindow = w; p.hits += 1 }
                    pairs[key] = p
                }
            }
        }
        self.pairMask = pairMask

        self.contacts = contacts
        self.overdoses = overdoses
        self.reversals = reversals
        self.rawHasData = rawHasData
        self.itemQty = itemQty
        self.flags = flags
        self.lastWindow = lastWindow
        self.windowsHit = windowsHit
        self.clientColumn = clientColumn
        self.reached = reached
        self.pairs = pairs

        // Distribution before the period but inside the recent-rate window (short periods).
        if recentStart < start {
            let r0 = ledger.firstContact(atOrAfter: recentStart)
            for i in r0..<lo {
                let rec = all[i]
                let site = Int(rec.site)
                for line in ledger.lines(of: rec) { distRecent[site * nI + Int(line.item)] += Int64(line.quantity) }
            }
        }
        self.distPeriod = distPeriod
        self.distRecent = distRecent
        // Distribution outside the period, on the shorter side, for opening levels.
        outsideIsBefore = lo <= all.count - hi
        let range = outsideIsBefore ? 0..<lo : hi..<all.count
        var distOutside = self.distOutside
        self.distOutside = []
        for i in range {
            let rec = all[i]
            let site = Int(rec.site)
            let s = Int(rec.itemsStart), e = s + Int(rec.itemsCount)
            var k = s
            while k < e {
                let line = lines[k]
                distOutside[site * nI + Int(line.item)] += Int64(line.quantity)
                k += 1
            }
        }
        self.distOutside = distOutside
    }

    // MARK: Stock

    struct StockFigures {
        var opening: Int64 = 0
        var received: Int64 = 0
        var transferIn: Int64 = 0
        var distributed: Int64 = 0
        var transferOut: Int64 = 0
        var writtenOff: [Int64] = Array(repeating: 0, count: WriteOffReason.allCases.count)
        var adjusted: Int64 = 0
        var discrepancies: Int64 = 0
        var movementsOutside: Int64 = 0
        /// Movements after the period (lots are only known as they are now).
        var movedAfter = false
        var distributedAfter: Int64 = 0
        var active = false
    }
    /// By `site * nItems + item`; nil where nothing happened.
    var stock: [StockFigures?] = []

    /// Stock sums wrap instead of trapping: a store holding absurd quantities (written before
    /// import validation, or by a tampered build) still renders a report (issue 13).
    mutating func stockScans() {
        var stock = [StockFigures?](repeating: nil, count: nSites * nItems)
        let writeOffIndex = Dictionary(uniqueKeysWithValues: WriteOffReason.allCases.enumerated().map { ($1, $0) })
        for m in ledger.movements {
            if let s = scopeSite, m.site != s { continue }
            let key = Int(m.site) * nItems + Int(m.item)
            var f = stock[key] ?? StockFigures()
            if m.at < start {
                if outsideIsBefore { f.movementsOutside &+= m.delta }
            } else if m.at >= end {
                if !outsideIsBefore { f.movementsOutside &+= m.delta }
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
            stock[key] = f
        }
        // Discrepancies are in time order: count those of the period per site and item.
        let list = ledger.discrepancies
        var lo = 0, hi = list.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if list[mid].at < start { lo = mid + 1 } else { hi = mid }
        }
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
            if stock[key] == nil { stock[key] = StockFigures() }
        }
        for key in 0..<stock.count where distPeriod[key] != 0 || counts[key] != 0 {
            if let s = scopeSite, key / nItems != Int(s) { continue }
            var f = stock[key] ?? StockFigures()
            f.active = true
            f.discrepancies = counts[key]
            stock[key] = f
        }
        for key in 0..<stock.count {
            guard var f = stock[key] else { continue }
            f.distributed &+= distPeriod[key]
            let level = ledger.stock[LedgerState.StockKey(site: Int32(key / nItems), item: Int32(key % nItems))]?.level ?? 0
            // level now = opening + changes in the period + changes after it.
            let inPeriod = f.received &+ f.transferIn &- f.transferOut &- f.writtenOff.reduce(0, &+) &+ f.adjusted &- f.distributed
            if outsideIsBefore {
                f.opening = f.movementsOutside &- distOutside[key]
                // Only the sign matters: was anything handed out after the period?
                f.distributedAfter = f.opening &+ inPeriod &- level
            } else {
                f.opening = level &- inPeriod &- (f.movementsOutside &- distOutside[key])
                f.distributedAfter = distOutside[key]
            }
            stock[key] = f
        }
        self.stock = stock
    }

    // MARK: Assembly

    struct FinalColumn { var id: String; var label: ReportLabel; var raw: Int }

    func finalColumns() -> [FinalColumn] {
        let strings = "report.col."
        switch by {
        case nil: return []
        case .sex:
            return sexKeys.enumerated().map { FinalColumn(id: $1, label: .key(strings + "sex.\($1)", []), raw: $0) }
                + [FinalColumn(id: "unknown", label: .key(strings + "unknown", []), raw: sexKeys.count)]
        case .age:
            return Reports.ageIDs.enumerated().map { FinalColumn(id: $1, label: .key(strings + "age.\($1)", []), raw: $0) }
        case .point:
            var out: [FinalColumn] = []
            var used = Set<Int>()
            for p in configuration.points.points {
                if let point, p.id != point { continue }
                guard let i = ledger.sites.lookup(p.id) else {
                    continue
                }
                out.append(FinalColumn(id: p.id, label: .text(p.names), raw: Int(i)))
                used.insert(Int(i))
            }
            for i in 0..<nSites where !used.contains(i) && rawHasData[i] {
                out.append(FinalColumn(id: ledger.sites[Int32(i)], label: .literal(ledger.sites[Int32(i)]), raw: i))
            }
            return out
        case .worker:
            var out: [FinalColumn] = []
            for i in 0..<nRaw where rawHasData[i] {
                let name = i < ledger.workers.count ? ledger.workers[Int32(i)] : extraWorkers[i - ledger.workers.count]
                out.append(FinalColumn(id: name, label: .literal(name), raw: i))
            }
            return out.sorted { $0.id < $1.id }
        case .type:
            var out: [FinalColumn] = []
            var used = Set<Int>()
            for t in configuration.catalogue.contactTypes {
                guard let i = ledger.contactTypes.lookup(t.id) else { continue }
                out.append(FinalColumn(id: t.id, label: .text(t.names), raw: Int(i)))
                used.insert(Int(i))
            }
            for i in 0..<nRaw where !used.contains(i) && rawHasData[i] {
                out.append(FinalColumn(id: ledger.contactTypes[Int32(i)], label: .literal(ledger.contactTypes[Int32(i)]), raw: i))
            }
            return out
        }
    }

    func assemble() -> IndicatorReport {
        let cat = configuration.catalogue
        let cols = finalColumns()
        let T = total
        let columns = cols.map { ReportColumn(id: $0.id, label: $0.label) }
            + [ReportColumn(id: "total", label: .key("report.col.total", []), isTotal: true)]
        func vals(_ a: [Int]) -> [Double?] { cols.map { Double(a[$0.raw]) } + [Double(a[T])] }
        func item(_ it: Int) -> [Double?] { cols.map { Double(itemQty[$0.raw * nItems + it]) } + [Double(itemQty[T * nItems + it])] }
        func ratio(_ a: [Double?], _ b: [Double?], scale: Double = 1) -> [Double?] {
            zip(a, b).map { x, y in
                guard let x, let y, y > 0 else { return nil }
                return x * scale / y
            }
        }
        let personal = by == nil || by!.isPersonAttribute
        let referralsApply = by != .type
        func label(_ k: String, _ args: String...) -> ReportLabel { .key("report.row." + k, args) }

        // Population estimate per column.
        let est = configuration.reporting.pwidEstimate
        let estimates: [Double?] = cols.map { c in
            by == .point ? est.points[c.id].map(Double.init) : nil
        } + [est.value(point: point).map(Double.init)]

        // Annualisation: a year is a year; anything else is scaled to the length of the year it starts.
        let cal = ReportPeriod.calendar(period.timeZone)
        let oneYearOn = cal.date(byAdding: .year, value: 1, to: period.start)!
        let annualised = period.end != oneYearOn
        let yearDays = Double(cal.dateComponents([.day], from: period.start, to: oneYearOn).day ?? 365)
        let factor = annualised ? yearDays / Double(max(1, period.days)) : 1

        // MARK reach table
        var nsItems: [Int] = []
        var naloxItems: [Int] = []
        for i in 0..<nItems {
            if isNS[i] { nsItems.append(i) }
            if isNaloxone[i] { naloxItems.append(i) }
        }
        func sumItems(_ list: [Int]) -> [Double?] {
            var out = [Double?](repeating: 0, count: columns.count)
            for it in list { for (j, v) in item(it).enumerated() { out[j] = (out[j] ?? 0) + (v ?? 0) } }
            return out
        }
        let reachedV = vals(clientsReached)
        let contactsV = vals(contacts)
        let nsV = sumItems(nsItems)
        let regularV: [Double?] = nWindows >= 2 ? vals(clientsRegular) : columns.map { _ in nil }
        let reach: [ReportRow] = [
            ReportRow(id: "clients.reached", label: label("clients.reached"), kind: .count, values: reachedV),
            ReportRow(id: "clients.new", label: label("clients.new"), kind: .count, values: vals(clientsNew)),
            ReportRow(id: "contacts", label: label("contacts"), kind: .count, values: contactsV),
            ReportRow(id: "contacts.perClient", label: label("contacts.perClient"), kind: .ratio,
                      values: ratio(contactsV, reachedV), dependsOn: ["contacts", "clients.reached"]),
            ReportRow(id: "clients.ns", label: label("clients.ns"), kind: .count, values: vals(clientsNS)),
            ReportRow(id: "ns.distributed", label: label("ns.distributed"), kind: .quantity, values: nsV),
            ReportRow(id: "ns.perClient", label: label("ns.perClient"), kind: .ratio,
                      values: ratio(nsV, reachedV), dependsOn: ["ns.distributed", "clients.reached"]),
            ReportRow(id: "ns.perPWID", label: label("ns.perPWID"), kind: .ratio,
                      values: ratio(nsV, estimates, scale: factor), annualised: annualised, dependsOn: ["ns.distributed"]),
            ReportRow(id: "prv8.coverage", label: label("prv8.coverage"), kind: .percent,
                      values: ratio(vals(clientsNS), estimates, scale: 100), dependsOn: ["clients.ns"]),
            ReportRow(id: "clients.regular", label: label("clients.regular"), kind: .count, values: regularV),
            ReportRow(id: "prv9.regularAccess", label: label("prv9.regularAccess"), kind: .percent,
                      values: ratio(regularV, reachedV, scale: 100), dependsOn: ["clients.regular", "clients.reached"]),
            ReportRow(id: "naloxone.distributed", label: label("naloxone.distributed"), kind: .quantity, values: sumItems(naloxItems)),
            ReportRow(id: "overdoses", label: label("overdoses"), kind: .count, values: vals(overdoses)),
            ReportRow(id: "overdoses.reversed", label: label("overdoses.reversed"), kind: .count, values: vals(reversals)),
        ]

        // MARK items table
        var items: [ReportRow] = []
        var categoryMembers: [(row: String, members: [String])] = []
        var itemRowID: [Int: String] = [:]
        for category in Catalogue.Category.allCases {
            let members = cat.items.filter { $0.category == category }
            guard !members.isEmpty else { continue }
            let idx = members.compactMap { ledger.items.lookup($0.id).map(Int.init) }
            let rowID = "items.category.\(category.rawValue)"
            items.append(ReportRow(id: rowID, label: .key("report.category.\(category.rawValue)", []), kind: .quantity,
                                   values: sumItems(idx)))
            var memberIDs: [String] = []
            for m in members {
                let id = "items.\(m.id)"
                let v = ledger.items.lookup(m.id).map { item(Int($0)) } ?? columns.map { _ in 0 }
                items.append(ReportRow(id: id, label: .text(m.names), kind: .quantity, values: v, detail: true))
                memberIDs.append(id)
                if let i = ledger.items.lookup(m.id) { itemRowID[Int(i)] = id }
            }
            categoryMembers.append((rowID, memberIDs))
        }
        for i in 0..<nItems where cat.item(ledger.items[Int32(i)]) == nil {
            let v = item(i)
            guard v.contains(where: { ($0 ?? 0) != 0 }) else { continue }
            let id = "items.\(ledger.items[Int32(i)])"
            items.append(ReportRow(id: id, label: .literal(ledger.items[Int32(i)]), kind: .quantity, values: v, detail: true))
            itemRowID[i] = id
        }

        // MARK referrals table
        var referrals: [ReportRow] = []
        let cCount = nRaw + 1
        func refVals(_ s: Int?, _ status: Int) -> [Double?] {
            func count(_ raw: Int) -> Int {
                if let s { return refCounts[(s * 5 + status) * cCount + raw] }
                var n = 0
                for sv in 0..<serviceNames.count { n += refCounts[(sv * 5 + status) * cCount + raw] }
                return n
            }
            return cols.map { referralsApply ? Double(count($0.raw)) : nil } + [Double(count(T))]
        }
        func median(_ a: [Int]) -> Double? {
            guard !a.isEmpty else { return nil }
            let s = a.sorted()
            return s.count % 2 == 1 ? Double(s[s.count / 2]) : Double(s[s.count / 2 - 1] + s[s.count / 2]) / 2
        }
        for (si, svc) in ([nil] + serviceNames.indices.map { Optional($0) }).enumerated() {
            _ = si
            let key = svc.map { serviceNames[$0] } ?? "all"
            let name: ReportLabel = svc.map { s in cat.service(serviceNames[s]).map { .text($0.names) } ?? .literal(serviceNames[s]) }
                ?? .key("report.row.referrals.allServices", [])
            var statusValues: [[Double?]] = []
            for (st, stName) in Reports.referralStatuses.enumerated() {
                let v = refVals(svc, st)
                statusValues.append(v)
                referrals.append(ReportRow(id: "referrals.\(key).\(stName)", label: .key("report.row.referrals.\(stName)", []),
                                           kind: .count, values: v, detail: svc != nil,
                                           group: key, groupLabel: name))
            }
            referrals.append(ReportRow(id: "referrals.\(key).completion", label: .key("report.row.referrals.completion", []),
                                       kind: .percent, values: ratio(statusValues[1], statusValues[0], scale: 100),
                                       detail: svc != nil, dependsOn: ["referrals.\(key).issued", "referrals.\(key).attended"],
                                       group: key, groupLabel: name))
            if svc == nil {
                let m = cols.map { referralsApply ? median(refDays[$0.raw]) : nil } + [median(refDays[T])]
                referrals.append(ReportRow(id: "referrals.all.medianDays", label: .key("report.row.referrals.medianDays", []),
                                           kind: .days, values: m, dependsOn: ["referrals.all.attended"],
                                           group: key, groupLabel: name))
            }
        }

        // MARK stock table
        let stockTable = assembleStock()

        let tables = [
            ReportTable(id: "reach", title: .key("report.table.reach", []), columns: columns, rows: reach, suppressible: true),
            ReportTable(id: "items", title: .key("report.table.items", []), columns: columns, rows: items, suppressible: true),
            ReportTable(id: "referrals", title: .key("report.table.referrals", []), columns: columns, rows: referrals, suppressible: true),
            stockTable,
        ]

        // MARK relations
        var relations: [CellRelation] = []
        func index(_ table: Int, _ id: String) -> Int? { tables[table].rows.firstIndex { $0.id == id } }
        let ncol = columns.count
        let totalCol = ncol - 1
        // Across columns: the total is the sum of the columns where every event or person is in exactly one.
        if by != nil {
            for (t, table) in tables.enumerated() where table.suppressible {
                for (r, row) in table.rows.enumerated() where row.kind.isCount {
                    let additive = row.kind == .quantity || personal || !Self.personRows.contains(row.id)
                    guard additive, row.values.allSatisfy({ $0 != nil }) else { continue }
                    relations.append(CellRelation(total: CellRef(t, r, totalCol), parts: (0..<totalCol).map { CellRef(t, r, $0) }))
                }
            }
        }
        // Down rows: categories, needles/syringes, naloxone, referral statuses.
        func down(_ tt: Int, _ totalID: String, _ parts: [(Int, String)]) {
            guard let tr = index(tt, totalID) else { return }
            let refs = parts.compactMap { p in index(p.0, p.1).map { (p.0, $0) } }
            guard !refs.isEmpty else { return }
            for c in 0..<ncol {
                guard tables[tt].rows[tr].values[c] != nil, refs.allSatisfy({ tables[$0.0].rows[$0.1].values[c] != nil }) else { continue }
                relations.append(CellRelation(total: CellRef(tt, tr, c), parts: refs.map { CellRef($0.0, $0.1, c) }))
            }
        }
        for (row, members) in categoryMembers { down(1, row, members.map { (1, $0) }) }
        down(0, "ns.distributed", nsItems.compactMap { itemRowID[$0] }.map { (1, $0) })
        down(0, "naloxone.distributed", naloxItems.compactMap { itemRowID[$0] }.map { (1, $0) })
        for key in ["all"] + serviceNames {
            down(2, "referrals.\(key).issued", ["attended", "declined", "lost", "open"].map { (2, "referrals.\(key).\($0)") })
        }
        for st in Reports.referralStatuses {
            down(2, "referrals.all.\(st)", serviceNames.map { (2, "referrals.\($0).\(st)") })
        }

        return IndicatorReport(period: period, point: point, by: by, tables: tables, relations: relations,
                               eventCount: ledger.eventCount, pwidEstimate: est.value(point: point), lineList: nil)
    }

    /// Rows that count people (a person can be in several contact-attribute columns).
    static let personRows: Set<String> = ["clients.reached", "clients.new", "clients.ns", "clients.regular"]

    func assembleStock() -> ReportTable {
        let cat = configuration.catalogue
        let tz = period.timeZone
        let columns = Reports.stockMeasures.map { ReportColumn(id: $0, label: .key("report.stock.\($0)", [])) }
        // Site order: configured points, then other sites; item order: catalogue, then others.
        var siteOrder: [Int] = []
        var seenSites = Set<Int>()
        for p in configuration.points.points { if let i = ledger.sites.lookup(p.id) { siteOrder.append(Int(i)); seenSites.insert(Int(i)) } }
        for i in 0..<nSites where !seenSites.contains(i) { siteOrder.append(i) }
        var itemOrder: [Int] = []
        var seenItems = Set<Int>()
        for it in cat.items { if let i = ledger.items.lookup(it.id) { itemOrder.append(Int(i)); seenItems.insert(Int(i)) } }
        for i in 0..<nItems where !seenItems.contains(i) { itemOrder.append(i) }

        let lastDay = ReportPeriod.dayNumber(of: period.end.addingTimeInterval(-1), timeZone: tz)
        let horizon = lastDay + ReportingConfig.expiryHorizonDays
        let recentDays = Double(recentEnd - recentStart) / Double(Reports.day)
        var rows: [ReportRow] = []
        for s in siteOrder {
            let siteID = ledger.sites[Int32(s)]
            let siteLabel: ReportLabel = configuration.points.point(siteID).map { .text($0.names) } ?? .literal(siteID)
            for it in itemOrder {
                let key = s * nItems + it
                guard let f = stock[key] else { continue }
                let closing = f.opening + f.received + f.transferIn - f.distributed - f.transferOut
                    - f.writtenOff.reduce(0, +) + f.adjusted
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
                let rate = Double(distRecent[key]) / recentDays
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
        return ReportTable(id: "stock", title: .key("report.table.stock", []), columns: columns, rows: rows, suppressible: false)
    }
}
