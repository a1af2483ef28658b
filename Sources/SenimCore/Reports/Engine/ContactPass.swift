import Foundation

extension ReportAccumulator {
    /// One pass over the period's contacts (found by binary search): events, items and the
    /// per-client state for person counts; distribution per site and item for the stock table.
    mutating func contactPass() {
        let lo = ledger.firstContact(atOrAfter: start)
        let hi = ledger.firstContact(atOrAfter: end)
        // Saturating: the last event may sit at any representable time (issue 13).
        let lastAt = ledger.last?.at ?? end
        stock.recentEnd = lastAt >= end ? end : lastAt + 1
        let span = Int64(ReportingConfig.recentRateDays) * Reports.day
        stock.recentStart = stock.recentEnd >= Int64.min + span ? stock.recentEnd - span : Int64.min
        let all = ledger.contacts
        let lines = ledger.contactItems
        let total = self.total
        let nI = nItems
        let personal = self.personal
        let scope = scopeSite ?? -1
        let scoped = scopeSite != nil
        let byMode = by
        let windows = Int64(max(nWindows, 1))
        let recentStart = stock.recentStart
        let start = self.start
        let rawCount = self.rawCount
        let canon = self.canon
        let isNS = self.isNS
        let isReversal = self.isReversal
        // Flat per-(client, column) state needs at most 31 windows (periods up to ~2.6 years).
        let flat = !personal && rawCount * ledger.clients.count <= flatPairLimit && windows <= 31

        // Tallies are moved out of `self` so that the loop works on uniquely held locals.
        var events = self.events; self.events = EventTallies()
        var rawHasData = self.rawHasData; self.rawHasData = []
        var itemQty = self.itemQty; self.itemQty = []
        var distPeriod = stock.distPeriod; stock.distPeriod = []
        var distRecent = stock.distRecent; stock.distRecent = []
        var flags = self.flags; self.flags = []
        var lastWindow = self.lastWindow; self.lastWindow = []
        var windowsHit = self.windowsHit; self.windowsHit = []
        var clientColumn = self.clientColumn; self.clientColumn = []
        var reached = self.reached; self.reached = []
        var pairs = self.pairs; self.pairs = [:]
        var services = self.services; self.services = ServiceTally()
        let serviceLists = ledger.contactServices
        let details = ledger.contactDetails
        let pairCount = flat ? rawCount * ledger.clients.count : 0
        var pairMask = [UInt32](repeating: 0, count: pairCount)
        let timelines = self.timelines
        let profileSlot = self.profileSlot
        let hasProfiles = !profileSlot.isEmpty
        var pairFlags = [UInt8](repeating: 0, count: hasProfiles ? pairCount : 0)

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
                case .gender?: col = genderColumn(c, at: rec.at)
                case .substance?: col = substanceColumn(c, at: rec.at)
                }
                events.contacts[total] += 1
                if col >= 0 { events.contacts[col] += 1; rawHasData[col] = true }
                if rec.overdose >= 0 {
                    events.overdoses[total] += 1
                    if col >= 0 { events.overdoses[col] += 1 }
                    let d = rec.hasDetail ? details[Int32(i)] : nil
                    events.addOverdose(d, column: total)
                    if col >= 0 { events.addOverdose(d, column: col) }
                    if isReversal[Int(rec.overdose)] {
                        events.reversals[total] += 1
                        if col >= 0 { events.reversals[col] += 1 }
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
            if rec.servicesCount > 0 {
                let first = Int(rec.servicesStart)
                Self.recordServices(&services, serviceLists[first..<first + Int(rec.servicesCount)], client: c, column: col,
                                    total: total, rawCount: rawCount, personal: personal)
                if rec.hasDetail, let d = details[Int32(i)], !d.results.isEmpty {
                    services.recordResults(d.results, services: ledger.services, client: c, column: col, total: total)
                }
            }
            // Per client (the total, and person-attribute columns).
            var w = Int32((rec.at - start) / Self.windowSeconds)
            if Int64(w) >= windows { w = Int32(windows - 1) }
            var profile = Self.pwidFlag
            if hasProfiles, profileSlot[c] >= 0 { profile = Self.profileFlags(timelines[Int(profileSlot[c])], at: rec.at) }
            let add = Self.reachedFlag | (gotNS ? Self.nsFlag : 0) | profile
            if flags[c] == 0 { reached.append(Int32(c)) }
            flags[c] |= add
            if lastWindow[c] != w { lastWindow[c] = w; windowsHit[c] += 1 }
            // Per client and column when a client can be in several columns.
            if !personal {
                let key = c * rawCount + col
                if flat {
                    pairMask[key] |= (1 << UInt32(w)) | (gotNS ? Self.pairNSBit : 0)
                    if hasProfiles { pairFlags[key] |= profile }
                } else {
                    var p = pairs[key] ?? Pair(flags: 0, lastWindow: -1, hits: 0)
                    p.flags |= add
                    if p.lastWindow != w { p.lastWindow = w; p.hits += 1 }
                    pairs[key] = p
                }
            }
        }
        self.pairMask = pairMask
        self.pairFlags = pairFlags
        self.events = events
        self.rawHasData = rawHasData
        self.itemQty = itemQty
        self.flags = flags
        self.lastWindow = lastWindow
        self.windowsHit = windowsHit
        self.clientColumn = clientColumn
        self.reached = reached
        self.pairs = pairs
        self.services = services

        // Distribution before the period but inside the recent-rate window (short periods).
        if recentStart < start {
            let r0 = ledger.firstContact(atOrAfter: recentStart)
            for i in r0..<lo {
                let rec = all[i]
                let site = Int(rec.site)
                for line in ledger.lines(of: rec) { distRecent[site * nI + Int(line.item)] += Int64(line.quantity) }
            }
        }
        stock.distPeriod = distPeriod
        stock.distRecent = distRecent
        // Distribution outside the period, on the shorter side, for opening levels.
        stock.outsideIsBefore = lo <= all.count - hi
        let range = stock.outsideIsBefore ? 0..<lo : hi..<all.count
        var distOutside = stock.distOutside
        stock.distOutside = []
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
        stock.distOutside = distOutside
    }
}
