import Foundation

/// The single-pass engine behind `Reports.compute`: tallies per column for one period and scope.
///
/// Columns: `rawCount` raw columns (one per sex key, age group, site, worker or contact type,
/// by the ledger's interner indices) and the total at index `rawCount` (`total`).
struct ReportAccumulator {
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

    var rawCount = 0
    var total: Int { rawCount }
    var columnCount: Int { rawCount + 1 }
    /// Person attributes (sex, age): each client is in exactly one column.
    var personal: Bool { by == nil || by!.isPersonAttribute }
    var sexKeys: [String] = []
    /// Referral issuers who logged no contact (extra raw columns of `--by worker`).
    var extraWorkers: [String] = []

    // Per client index (canonical clients carry the figures).
    var canon: [Int32] = []
    var firstSeen: [Timestamp] = []
    var clientColumn: [Int32] = []
    var flags: [UInt8] = []
    var lastWindow: [Int32] = []
    var windowsHit: [Int32] = []
    /// Canonical clients reached, in order of first contact in the period.
    var reached: [Int32] = []

    /// Per (client, column) state when a client can be in several columns (point, worker, type).
    struct Pair { var flags: UInt8; var lastWindow: Int32; var hits: Int32 }
    var pairs: [Int: Pair] = [:]
    /// The flat alternative to `pairs`: bits 0…30 the 30-day windows seen, bit 31 "received N/S".
    var pairMask: [UInt32] = []
    static let pairNSBit: UInt32 = 1 << 31
    static let pairWindowBits: UInt32 = 0x7FFF_FFFF

    var events = EventTallies()
    var people = PersonTallies()
    /// Quantity handed out per column and item: `itemQty[column * nItems + item]`.
    var itemQty: [Int] = []
    /// Columns that had any contact or referral (others are left out of point, worker and type splits).
    var rawHasData: [Bool] = []

    // Windows for PRV.9.
    let nWindows: Int
    static let windowSeconds = Int64(ReportingConfig.regularAccessWindowDays) * Reports.day

    var stock = StockTally()
    var referrals = ReferralTally()
    var services = ServiceTally()
    var incidentTally = IncidentTally()

    // Item and outcome properties by interner index.
    var isNS: [Bool] = []
    var isNaloxone: [Bool] = []
    var isReversal: [Bool] = []

    static let reachedFlag: UInt8 = 1
    static let nsFlag: UInt8 = 2
    /// Reached at a contact when the profile said injecting (or named no route).
    static let pwidFlag: UInt8 = 4
    /// Reached while injecting and on opioid agonist therapy.
    static let pwidOATFlag: UInt8 = 8

    /// Profile changes per canonical client (every merged code's changes, in fold order):
    /// `timelines[profileSlot[client]]`; slot -1 for clients without any (they count as
    /// injecting, OAT unknown).
    var timelines: [[ProfileChange]] = []
    var profileSlot: [Int32] = []
    /// Per (client, column) profile flags on the flat path (empty when no profile exists).
    var pairFlags: [UInt8] = []

    /// Per (client, column) state is kept in flat arrays up to this many entries, in a dictionary
    /// beyond. This report's limit (an init parameter so that tests run both paths without shared state).
    let flatPairLimit: Int

    init(ledger: LedgerState, configuration: Configuration, period: ReportPeriod, point: String?, by: Disaggregation?,
         flatPairLimit: Int = Reports.defaultFlatPairLimit) {
        self.flatPairLimit = flatPairLimit
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
        nWindows = period.days / ReportingConfig.regularAccessWindowDays
    }

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
        if !ledger.profiles.isEmpty {
            profileSlot = [Int32](repeating: -1, count: n)
            for (client, changes) in ledger.profiles.sorted(by: { $0.key < $1.key }) {
                let c = Int(canon[Int(client)])
                if profileSlot[c] < 0 {
                    profileSlot[c] = Int32(timelines.count)
                    timelines.append(changes)
                } else {
                    let k = Int(profileSlot[c])
                    timelines[k] = (timelines[k] + changes).sorted { $0.foldsBefore($1) }
                }
            }
        }
        lastWindow = [Int32](repeating: -1, count: n)
        windowsHit = [Int32](repeating: 0, count: n)
        clientColumn = [Int32](repeating: -1, count: n)

        isNS = (0..<nItems).map { cat.item(ledger.items[Int32($0)])?.isNeedleOrSyringe ?? false }
        let nalox = Set(configuration.reporting.naloxoneItems)
        isNaloxone = (0..<nItems).map { nalox.contains(ledger.items[Int32($0)]) }
        isReversal = (0..<ledger.outcomes.count).map { cat.overdoseOutcome(ledger.outcomes[Int32($0)])?.isReversal ?? false }

        // The referral cohort first: its issuers may add worker columns.
        referrals = ReferralTally.cohort(ledger: ledger, catalogue: cat, start: start, end: end, point: point,
                                         collectIssuers: by == .worker)
        extraWorkers = referrals.issuersWithoutContacts

        switch by {
        case nil: rawCount = 0
        case .sex:
            sexKeys = configuration.uic.sexDigits.keys.sorted()
            rawCount = sexKeys.count + 1
        case .age: rawCount = AgeGroup.allCases.count
        case .point: rawCount = nSites
        case .worker: rawCount = ledger.workers.count + extraWorkers.count
        case .type: rawCount = ledger.contactTypes.count
        case .gender: rawCount = Gender.allCases.count + 1
        case .substance: rawCount = SubstanceColumn.allCases.count
        }
        events = EventTallies(columns: columnCount)
        people = PersonTallies(columns: columnCount)
        rawHasData = [Bool](repeating: false, count: columnCount)
        itemQty = [Int](repeating: 0, count: columnCount * nItems)
        stock = StockTally(sites: nSites, items: nItems)
        services = ServiceTally(services: ledger.services.count, clients: n, columns: columnCount)

        contactPass()
        stockScans()
        countPeople()
        countServiceClients()
        countReferrals()
        countIncidentsAndActivities()
    }

    /// Clients reached, new, given N/S and regularly reached, per column.
    mutating func countPeople() {
        for c in reached {
            let ci = Int(c)
            let f = flags[ci]
            let isNew = firstSeen[ci] >= start
            let regular = nWindows >= 2 && Int(windowsHit[ci]) == nWindows
            var targets = [total]
            if personal, by != nil { targets.append(Int(clientColumn[ci])) }
            for t in targets {
                people.add(column: t, flags: f, isNew: isNew, regular: regular)
            }
        }
        guard !personal else { return }
        for (key, p) in pairs {
            people.add(column: key % rawCount, flags: p.flags, isNew: firstSeen[key / rawCount] >= start,
                       regular: nWindows >= 2 && Int(p.hits) == nWindows)
        }
        for key in pairMask.indices where pairMask[key] != 0 {
            let m = pairMask[key]
            let f = Self.reachedFlag | (m & Self.pairNSBit != 0 ? Self.nsFlag : 0) | (pairFlags.isEmpty ? Self.pwidFlag : pairFlags[key])
            people.add(column: key % rawCount, flags: f, isNew: firstSeen[key / rawCount] >= start,
                       regular: nWindows >= 2 && (m & Self.pairWindowBits).nonzeroBitCount == nWindows)
        }
    }

    /// The referral cohort per service, outcome and column.
    mutating func countReferrals() {
        referrals.allocate(columns: columnCount)
        let extraIndex = Dictionary(uniqueKeysWithValues: extraWorkers.enumerated().map { ($1, $0) })
        for r in referrals.cohort {
            var col: Int? = nil
            switch by {
            case nil, .type: col = nil
            case .sex, .age:
                if let i = ledger.clientIndex[r.record.client] { col = Int(column(ofClient: canon[Int(i)])) }
            case .point: col = ledger.sites.lookup(r.record.site).map { Int($0) }
            case .worker:
                col = ledger.workers.lookup(r.record.issuedBy).map { Int($0) }
                    ?? extraIndex[r.record.issuedBy].map { ledger.workers.count + $0 }
            case .gender:
                col = genderColumn(ledger.clientIndex[r.record.client].map { Int(canon[Int($0)]) }, at: r.record.issuedAt)
            case .substance:
                col = substanceColumn(ledger.clientIndex[r.record.client].map { Int(canon[Int($0)]) }, at: r.record.issuedAt)
            }
            for t in [total] + (col.map { [$0] } ?? []) {
                referrals.add(r, column: t, timeZone: period.timeZone)
                rawHasData[t] = true
            }
        }
    }

    /// Profile flags (`pwidFlag`, `pwidOATFlag`) of canonical client `c` at time `t`: the
    /// latest change at or before `t`; none yet (or none at all) counts as injecting.
    static func profileFlags(_ changes: [ProfileChange], at t: Timestamp) -> UInt8 {
        let lo = changes.partitioningIndex { $0.at > t }
        guard lo > 0 else { return pwidFlag }
        let state = changes[lo - 1].state
        guard state.injects else { return 0 }
        return pwidFlag | (state.oat == .yes ? pwidOATFlag : 0)
    }

    /// The profile of canonical client `c` at time `t` (nil: none recorded yet).
    func profileState(_ c: Int, at t: Timestamp) -> ProfileState? {
        guard !profileSlot.isEmpty, profileSlot[c] >= 0 else { return nil }
        let changes = timelines[Int(profileSlot[c])]
        var lo = 0, hi = changes.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if changes[mid].at <= t { lo = mid + 1 } else { hi = mid }
        }
        return lo > 0 ? changes[lo - 1].state : nil
    }

    static let genderIndex = Dictionary(uniqueKeysWithValues: Gender.allCases.enumerated().map { ($1, $0) })

    /// The `--by gender` column of canonical client `c` at time `t` (no client or no gender: the last, `unknown`).
    func genderColumn(_ c: Int?, at t: Timestamp) -> Int {
        guard let c, let g = profileState(c, at: t)?.gender else { return Gender.allCases.count }
        return Self.genderIndex[g]!
    }

    static let substanceIndex = Dictionary(uniqueKeysWithValues: SubstanceColumn.allCases.enumerated().map { ($1, $0) })

    /// The `--by substance` column of canonical client `c` at time `t`: the substances of the
    /// profile then (one, `several`; none recorded or no client: `unknown`).
    func substanceColumn(_ c: Int?, at t: Timestamp) -> Int {
        let state = c.flatMap { profileState($0, at: t) }
        return Self.substanceIndex[SubstanceColumn(state?.substances)]!
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
            return Int32(Reports.ageGroup(birthYear: configuration.uic.birthYear(of: uic, referenceYear: startYear),
                                          referenceYear: startYear).rawValue)
        default:
            return 0
        }
    }
}

/// Counts of events per column.
struct EventTallies {
    var contacts: [Int] = []
    var overdoses: [Int] = []
    var reversals: [Int] = []
    /// `overdoseKinds[column * kinds + kind]`: `OverdoseKind.allCases`, then not recorded (`unspecified`).
    var overdoseKinds: [Int] = []
    /// `responders[column * responders + responder]` in `Responder.allCases` order.
    var responders: [Int] = []
    static let kindCount = OverdoseKind.allCases.count + 1
    static let responderCount = Responder.allCases.count
    static let kindIndex = Dictionary(uniqueKeysWithValues: OverdoseKind.allCases.enumerated().map { ($1, $0) })
    static let responderIndex = Dictionary(uniqueKeysWithValues: Responder.allCases.enumerated().map { ($1, $0) })
    init() {}
    init(columns: Int) {
        contacts = [Int](repeating: 0, count: columns)
        overdoses = contacts
        reversals = contacts
        overdoseKinds = [Int](repeating: 0, count: columns * Self.kindCount)
        responders = [Int](repeating: 0, count: columns * Self.responderCount)
    }

    /// Adds an overdose's kind and who came (from the contact's details, if any) to `column`.
    mutating func addOverdose(_ d: ContactDetail?, column t: Int) {
        let k = d?.overdoseKind.map { Self.kindIndex[$0]! } ?? OverdoseKind.allCases.count
        overdoseKinds[t * Self.kindCount + k] += 1
        for r in d?.responders ?? [] { responders[t * Self.responderCount + Self.responderIndex[r]!] += 1 }
    }
}

/// Counts of people per column (each person once per column).
struct PersonTallies {
    var reached: [Int] = []
    var new: [Int] = []
    var ns: [Int] = []
    var regular: [Int] = []
    /// Reached while injecting (or with no route recorded), and of those: given N/S, reached
    /// in every 30 days, on OAT.
    var pwid: [Int] = []
    var pwidNS: [Int] = []
    var pwidRegular: [Int] = []
    var pwidOAT: [Int] = []
    init() {}
    init(columns: Int) {
        reached = [Int](repeating: 0, count: columns)
        new = reached
        ns = reached
        regular = reached
        pwid = reached
        pwidNS = reached
        pwidRegular = reached
        pwidOAT = reached
    }
    mutating func add(column t: Int, flags: UInt8, isNew: Bool, regular isRegular: Bool) {
        let gotNS = flags & ReportAccumulator.nsFlag != 0
        reached[t] += 1
        if isNew { new[t] += 1 }
        if gotNS { ns[t] += 1 }
        if isRegular { regular[t] += 1 }
        guard flags & ReportAccumulator.pwidFlag != 0 else { return }
        pwid[t] += 1
        if gotNS { pwidNS[t] += 1 }
        if isRegular { pwidRegular[t] += 1 }
        if flags & ReportAccumulator.pwidOATFlag != 0 { pwidOAT[t] += 1 }
    }
}
