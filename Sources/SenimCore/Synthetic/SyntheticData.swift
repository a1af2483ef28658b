import Foundation

/// Deterministic, realistic synthetic data for demos, tests and benchmarks.
///
/// - Clients: codes built by the configured UIC formula from pools of Russian and Kazakh
///   names; about 73 % men; ages 18–60, most 25–44; a few typo twins (one letter off), half
///   of which a coordinator merges later. Visit frequency is skewed: most clients come
///   occasionally, some regularly, about one in ten almost daily. Clients join over the period.
/// - Contacts: exactly `plan.contacts`, on working days only (Mon–Fri, fewer on Saturdays,
///   none on Sundays), inside opening hours in the plan's time zone (stationary points
///   09:00–18:00, Saturdays 10:00–14:00; mobile points 11:00–19:00 on weekdays). Mostly
///   standard packs by the client's pattern of use (opioid injecting, stimulants with many extra
///   syringes, smoking, sexual health); some loose items; occasional services, naloxone kits,
///   overdoses with outcomes, and notes (no digits in any note).
/// - Referrals from about 3 % of contacts, with later status changes (some accompanied, most
///   closed as attended / declined / lost, some left open), rare concurrent-update conflicts,
///   and confidential notes from the peer psychologist when `seal` is given.
/// - Stock: a monthly delivery to the first stationary point (lots and expiry dates for
///   naloxone and sterile water), transfers to the other points with receipts 0–2 days later
///   (the last ones may still be in transit), some write-offs, a monthly stocktake.
///
/// Events come out in canonical fold order (time, then id), in batches, so a store can save
/// them as they come and a million contacts never sit in memory at once.
public enum SyntheticData {
    /// Streams the events of `plan` to `batch` in fold order, `batchSize` events or a little
    /// more at a time (whole days). The batch array may be consumed (emptied or kept); the
    /// generator empties it afterwards either way. Returns counts by event kind.
    ///
    /// `seal` turns a confidential note's plaintext into the sealed bytes (the store's job);
    /// without it no confidential notes are generated.
    @discardableResult
    public static func generate(_ plan: SyntheticPlan, catalogue: Catalogue, formula: UICFormula, points: Points,
                                batchSize: Int = 8192, seal: ((String) throws -> [UInt8])? = nil,
                                batch: (inout [Event]) throws -> Void) throws -> SyntheticSummary {
        var g = try SyntheticGenerator(plan: plan, catalogue: catalogue, formula: formula, points: points, seal: seal)
        return try g.run(batchSize: max(1, batchSize), batch: batch)
    }

    public static func generate(_ plan: SyntheticPlan, configuration: Configuration, batchSize: Int = 8192,
                                seal: ((String) throws -> [UInt8])? = nil,
                                batch: (inout [Event]) throws -> Void) throws -> SyntheticSummary {
        try generate(plan, catalogue: configuration.catalogue, formula: configuration.uic,
                     points: configuration.points, batchSize: batchSize, seal: seal, batch: batch)
    }

    /// All events at once (for small plans and tests).
    public static func events(_ plan: SyntheticPlan, configuration: Configuration,
                              seal: ((String) throws -> [UInt8])? = nil) throws -> (events: [Event], summary: SyntheticSummary) {
        var all: [Event] = []
        let summary = try generate(plan, configuration: configuration, seal: seal) { all.append(contentsOf: $0) }
        return (all, summary)
    }
}

/// The generator's working state. Internal: `SyntheticData.generate` is the API.
struct SyntheticGenerator {
    private struct Client {
        var uic: UIC
        var weight: Double
        var join: Int
        var home: Int
        var profile: Int
        var registered = false
        /// The sex digit of the code says female (for the self-described gender of the profile).
        var female = false
    }

    private struct Site {
        var id: String
        var mobile: Bool
        var workers: [String]
    }

    /// A precomputed standard handout: packs and their expanded items.
    private struct Handout {
        var packs: [String]
        var items: [ItemQuantity]
        /// Catalogue positions of `items` (for stock tracking without string lookups).
        var positions: [Int]
    }

    private let plan: SyntheticPlan
    private let catalogue: Catalogue
    private let formula: UICFormula
    private let seal: ((String) throws -> [UInt8])?
    private var rng: SyntheticRandom
    /// Client profiles and contact details draw from their own stream, so that adding them
    /// left every other generated event (and the benchmark fixtures) exactly as it was.
    private var detailRng: SyntheticRandom
    private var sites: [Site] = []
    private var hub = 0
    private var coordinator = "coordinator"
    private var psychologist: (name: String, site: String)?
    private var clients: [Client] = []
    /// The current day's events other than contacts, sorted; `next` is the first not emitted.
    private var extras: [Event] = []
    private var next = 0
    /// Client indices sorted by join day, and cumulative weights in that order.
    private var order: [Int] = []
    private var cumulative: [Double] = []
    private var dayStart: [Timestamp] = []
    private var dayNumber: [DayNumber] = []
    private var weekday: [Int] = []      // 1 = Sunday … 7 = Saturday
    private var monthKey: [Int] = []     // year * 12 + month − 1
    private var forceOpen = false
    private var future: [Int: [Event]] = [:]
    private var merges: [Int: [(from: Int, into: Int)]] = [:]
    private var summary = SyntheticSummary()
    private var kindCounts = [Int](repeating: 0, count: 20)

    // Catalogue-derived.
    private var itemCount = 0
    private var handouts: [[Handout]] = []        // by profile
    private var naloxoneKit: Handout?
    private var extraSyringe: Int?                // item position for stimulant extras
    private var looseItems: [[(Int, ClosedRange<Int>)]] = []  // by profile
    private var bandage: Int?
    private var serviceIDs: [String] = []
    /// Services that are rapid tests (they may carry a result).
    private var rapidTests: Set<String> = []
    private var serviceWeights: [Double] = []
    private var outcomeIDs: [String] = []
    private var outcomeWeights: [Double] = []
    private var streetType: String?
    private var dropInType: String?
    private var lotItems: Set<Int> = []

    // Stock tracking (per site, per item position).
    private var level: [[Int64]] = []
    private var transit: [[Int64]] = []
    private var monthlyNeed: [[Double]] = []
    private var estimatedNeed: [[Double]] = []
    private var usedThisMonth: [[Int64]] = []

    static let profileNames = ["opioid", "stimulant", "smoking", "sexual-health", "mixed"]
    private static let profileWeights: [Double] = [0.48, 0.22, 0.13, 0.10, 0.07]

    init(plan: SyntheticPlan, catalogue: Catalogue, formula: UICFormula, points: Points,
         seal: ((String) throws -> [UInt8])?) throws {
        self.plan = plan
        self.catalogue = catalogue
        self.formula = formula
        self.seal = seal
        self.rng = SyntheticRandom(seed: plan.seed)
        self.detailRng = SyntheticRandom(seed: plan.seed ^ 0xD37A_11ED_0F11_E5)
        guard plan.days >= 1 else { throw Message("synthetic.invalid", "days", String(plan.days)) }
        guard plan.contacts >= 0 else { throw Message("synthetic.invalid", "contacts", String(plan.contacts)) }
        guard plan.clients >= 1 else { throw Message("synthetic.invalid", "clients", String(plan.clients)) }
        let ids = plan.sites.isEmpty ? points.points.map(\.id) : plan.sites
        for id in ids {
            guard let p = points.point(id) else {
                throw Message("validate.point.unknown", id, points.points.map(\.id).joined(separator: ", "))
            }
            let here = plan.staff.filter { $0.site == id }
            var workers = here.filter { $0.role == .worker }.map(\.name)
            if workers.isEmpty { workers = here.map(\.name) }
            sites.append(Site(id: p.id, mobile: p.kind == .mobile, workers: workers))
        }
        let everyone = plan.staff.filter { $0.role == .worker }.map(\.name)
        let fallback = everyone.isEmpty ? (plan.staff.isEmpty ? ["worker"] : plan.staff.map(\.name)) : everyone
        for i in sites.indices where sites[i].workers.isEmpty { sites[i].workers = fallback }
        hub = sites.firstIndex { !$0.mobile } ?? 0
        if let c = plan.staff.first(where: { $0.role == .coordinator }) { coordinator = c.name }
        if let p = plan.staff.first(where: { $0.role == .psychologist }) { psychologist = (p.name, p.site) }
        setUpCalendar()
        setUpCatalogue()
        try makeClients()
        setUpStock()
    }

    // MARK: Set-up

    private mutating func setUpCalendar() {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = plan.timeZone
        var day = cal.startOfDay(for: Date(timeIntervalSince1970: TimeInterval(plan.start)))
        var anyWorking = false
        for _ in 0..<plan.days {
            let t = Timestamp(day.timeIntervalSince1970)
            dayStart.append(t)
            let local = t + Timestamp(plan.timeZone.secondsFromGMT(for: day))
            dayNumber.append(DayNumber(local.floorDiv(86_400)))
            let c = cal.dateComponents([.weekday, .year, .month], from: day)
            weekday.append(c.weekday ?? 2)
            monthKey.append((c.year ?? 1970) * 12 + (c.month ?? 1) - 1)
            if c.weekday != 1 { anyWorking = true }
            day = cal.date(byAdding: .day, value: 1, to: day) ?? day.addingTimeInterval(86_400)
        }
        forceOpen = !anyWorking
    }

    /// Opening hours (seconds after local midnight) of a site on a day, or nil when closed.
    private func hours(_ site: Int, _ d: Int) -> (open: Int, close: Int)? {
        let wd = forceOpen ? 2 : weekday[d]
        if wd == 1 { return nil }
        let hour = 3600
        if sites[site].mobile {
            if wd == 7 { return nil }
            return (open: 11 * hour, close: 19 * hour)
        }
        if wd == 7 { return (open: 10 * hour, close: 14 * hour) }
        return (open: 9 * hour, close: 18 * hour)
    }

    private func dayWeight(_ d: Int) -> Double {
        if forceOpen { return 1 }
        switch weekday[d] {
        case 1: return 0
        case 7: return 0.45
        default: return 1
        }
    }

    private func isWeekday(_ d: Int) -> Bool { forceOpen || (2...6).contains(weekday[d]) }

    private mutating func setUpCatalogue() {
        itemCount = catalogue.items.count
        func handout(_ packIDs: [String]) -> Handout? {
            let packs = packIDs.compactMap { catalogue.pack($0) }
            guard !packs.isEmpty else { return nil }
            var q = [Int32](repeating: 0, count: itemCount)
            for p in packs { for l in p.sortedItems { q[catalogue.itemPosition(l.item)!] += l.quantity } }
            return Self.handout(packs.map(\.id), q, catalogue)
        }
        let firstPack = catalogue.packs.first.map { [$0.id] } ?? []
        let profilePacks: [[[String]]] = [
            [["injecting"], ["injecting", "naloxone"]],
            [["stimulant"], ["stimulant", "sexual-health"]],
            [["smoking"], ["smoking", "sexual-health"]],
            [["sexual-health"]],
            [["injecting", "smoking"], ["stimulant", "smoking"]],
        ]
        for variants in profilePacks {
            var hs = variants.compactMap(handout)
            if hs.isEmpty, let h = handout(firstPack) { hs = [h] }
            handouts.append(hs)
        }
        naloxoneKit = handout(["naloxone"])
        func pos(_ id: String) -> Int? { catalogue.itemPosition(id) }
        let anySyringe = catalogue.items.firstIndex { $0.isNeedleOrSyringe }
        extraSyringe = pos("syringe-1ml") ?? anySyringe
        bandage = pos("bandage")
        func loose(_ spec: [(String, ClosedRange<Int>)]) -> [(Int, ClosedRange<Int>)] {
            let found = spec.compactMap { s in pos(s.0).map { ($0, s.1) } }
            if !found.isEmpty { return found }
            return [(anySyringe ?? 0, 5...20)]
        }
        looseItems = [
            loose([("syringe-2ml", 10...30), ("needle", 10...30), ("alcohol-wipe", 10...20)]),
            loose([("syringe-1ml", 20...80), ("alcohol-wipe", 20...40)]),
            loose([("foil", 5...10), ("straw", 3...6)]),
            loose([("condom", 10...30), ("lubricant", 3...10)]),
            loose([("syringe-5ml", 5...10), ("foil", 3...5)]),
        ]
        let serviceWeight: [String: Double] = [
            "hiv-test": 10, "hcv-test": 6, "tb-screening": 3, "sti": 4, "oat": 2, "peer-psychologist": 3,
            "narcologist": 1.5, "mental-health": 1.5, "legal-aid": 2, "social-worker": 3, "shelter": 1.5, "srh": 2,
        ]
        serviceIDs = catalogue.services.map(\.id)
        rapidTests = Set(catalogue.services.filter(\.isRapidTest).map(\.id))
        serviceWeights = serviceIDs.map { serviceWeight[$0] ?? 1 }
        let outcomeWeight: [String: Double] = [
            "reversed-naloxone": 55, "reversed-other": 15, "ambulance": 14, "fatal": 3, "unknown": 13,
            // Stimulant outcomes are not drawn yet: generated data (and its benchmarks) stay as they were.
            "recovered": 0, "hospital": 0,
        ]
        outcomeIDs = catalogue.overdoseOutcomes.map(\.id)
        outcomeWeights = outcomeIDs.map { outcomeWeight[$0] ?? 5 }
        streetType = catalogue.contactType("street")?.id
        dropInType = catalogue.contactType("drop-in")?.id
        for id in ["naloxone", "sterile-water"] { if let p = pos(id) { lotItems.insert(p) } }
    }

    private static func handout(_ packs: [String], _ q: [Int32], _ catalogue: Catalogue) -> Handout {
        var items: [ItemQuantity] = []
        var positions: [Int] = []
        for (i, n) in q.enumerated() where n > 0 {
            items.append(ItemQuantity(item: catalogue.items[i].id, quantity: n))
            positions.append(i)
        }
        return Handout(packs: packs, items: items, positions: positions)
    }

    private mutating func makeClients() throws {
        let referenceYear = Calendar.yearOf(dayStart[0], plan.timeZone)
        var seen = Set<String>()
        seen.reserveCapacity(plan.clients)
        let twins = plan.clients >= 20 ? plan.clients * 3 / 200 : 0
        let siteWeights = sites.map { $0.mobile ? 0.6 : 1.0 }
        for _ in 0..<(plan.clients - twins) {
            let female = rng.chance(0.27)
            let age: Int = switch rng.weighted([0.12, 0.35, 0.33, 0.20]) {
            case 0: rng.int(18...24)
            case 1: rng.int(25...34)
            case 2: rng.int(35...44)
            default: rng.int(45...60)
            }
            let year = referenceYear - age
            var code: UIC?
            for attempt in 0..<400 {
                let u = try buildCode(female: female, year: year, randomLetters: attempt >= 12)
                if seen.insert(u.code).inserted { code = u; break }
            }
            guard let code else { throw Message("synthetic.invalid", "clients", String(plan.clients)) }
            var profileWeights = Self.profileWeights
            if female { profileWeights[3] += 0.12 }
            let weight: Double = switch rng.weighted([0.6, 0.3, 0.1]) {
            case 0: 1
            case 1: 6
            default: 35
            }
            let join = rng.chance(0.4) ? 0 : rng.below(plan.days)
            clients.append(Client(uic: code, weight: weight, join: join, home: rng.weighted(siteWeights),
                                  profile: rng.weighted(profileWeights), female: female))
        }
        // Typo twins: the same person registered again with one letter wrong.
        let letterSlots = formula.slots.indices.filter { formula.slots[$0] == .letter }
        let base = clients.count
        var made = 0, tries = 0
        while made < twins && tries < twins * 20 && !letterSlots.isEmpty {
            tries += 1
            let of = rng.below(base)
            var chars = Array(clients[of].uic.code.utf8)
            let p = rng.pick(letterSlots)
            let replacement = UInt8(65 + rng.below(26))
            guard chars[p] != replacement else { continue }
            chars[p] = replacement
            let code = String(decoding: chars, as: UTF8.self)
            guard formula.isValid(code), seen.insert(code).inserted else { continue }
            let join = min(plan.days - 1, clients[of].join + rng.below(max(1, plan.days / 3)))
            clients.append(Client(uic: UIC(normalised: code), weight: 1, join: join, home: clients[of].home,
                                  profile: clients[of].profile, female: clients[of].female))
            made += 1
            if rng.chance(0.5) {
                let day = min(plan.days - 1, join + rng.int(20...90))
                merges[day, default: []].append((from: clients.count - 1, into: of))
            }
        }
        // Fill up (only if twins could not be made) so the count is exact.
        while clients.count < plan.clients {
            let u = try buildCode(female: false, year: referenceYear - 30, randomLetters: true)
            guard seen.insert(u.code).inserted else { continue }
            clients.append(Client(uic: u, weight: 1, join: rng.below(plan.days), home: 0, profile: 0))
        }
        order = clients.indices.sorted { (clients[$0].join, $0) < (clients[$1].join, $1) }
        var sum = 0.0
        cumulative = order.map { sum += clients[$0].weight; return sum }
    }

    private mutating func buildCode(female: Bool, year: Int, randomLetters: Bool) throws -> UIC {
        var answers: [String: String] = [:]
        var nameIndex = 0
        for q in formula.questions {
            switch q.kind {
            case .name:
                if randomLetters {
                    answers[q.id] = String((0..<3).map { _ in Character(Unicode.Scalar(UInt8(65 + rng.below(26)))) })
                } else {
                    answers[q.id] = rng.pick(nameIndex % 2 == 0 ? SyntheticText.motherNames : SyntheticText.fatherNames)
                }
                nameIndex += 1
            case .sex:
                answers[q.id] = female ? "f" : "m"
            case .year:
                answers[q.id] = String(year)
            }
        }
        do { return try formula.build(answers: answers) } catch { throw error.message }
    }

    private mutating func setUpStock() {
        level = Array(repeating: Array(repeating: 0, count: itemCount), count: sites.count)
        transit = level
        usedThisMonth = level
        monthlyNeed = Array(repeating: Array(repeating: 0, count: itemCount), count: sites.count)
        estimatedNeed = monthlyNeed
        guard plan.stock, plan.contacts > 0, itemCount > 0 else { return }
        // Expected use per site, estimated by sampling contacts (client, site, handout) with a
        // separate generator, so the main sequence does not depend on it.
        var est = SyntheticRandom(seed: plan.seed ^ 0x5EED_0F57_0C4B)
        var use = monthlyNeed
        let samples = 20_000
        for _ in 0..<samples {
            let c = clients[order[est.cumulative(cumulative, count: cumulative.count)]]
            var site = c.home
            if sites.count > 1, est.chance(0.12) { site = est.below(sites.count) }
            let h = handout(for: c.profile, overdose: false, using: &est)
            for (l, p) in zip(h.items, h.positions) { use[site][p] += Double(l.quantity) }
        }
        let workingDays = (0..<plan.days).reduce(0.0) { $0 + dayWeight($1) }
        let perMonth = Double(plan.contacts) / max(1, workingDays) * 26
        for s in sites.indices {
            for i in 0..<itemCount { estimatedNeed[s][i] = perMonth * use[s][i] / Double(samples) }
        }
        monthlyNeed = estimatedNeed
    }

    // MARK: Running

    /// Each day: the day's other events (receipts, referral updates, stock work, merges) are
    /// collected and sorted; the day's contacts are drawn, put in time order and generated in
    /// that order, merging the other events in by (time, id). No big per-day sort of events.
    mutating func run(batchSize: Int, batch: (inout [Event]) throws -> Void) throws -> SyntheticSummary {
        var buffer: [Event] = []
        buffer.reserveCapacity(batchSize + 4096)
        var slots: [(at: Timestamp, client: Int32, site: Int32)] = []
        let totalWeight = (0..<plan.days).reduce(0.0) { $0 + dayWeight($1) }
        var cumWeight = 0.0
        var emitted = 0
        var joined = 0
        for d in 0..<plan.days {
            cumWeight += dayWeight(d)
            let target = d == plan.days - 1 ? plan.contacts
                : min(plan.contacts, Int((Double(plan.contacts) * cumWeight / totalWeight).rounded(.down)))
            let today = target - emitted
            emitted = target
            while joined < order.count && clients[order[joined]].join <= d { joined += 1 }
            extras.removeAll(keepingCapacity: true)
            if let f = future.removeValue(forKey: d) {
                for e in f { track(e) }
                extras.append(contentsOf: f)
            }
            if let m = merges.removeValue(forKey: d) { mergeClients(m, day: d) }
            if plan.stock { try stockDay(d) }
            extras.sort(by: Event.foldsBefore)
            next = 0
            // Who comes, where and when.
            slots.removeAll(keepingCapacity: true)
            let pool = min(max(1, joined), cumulative.count)
            for _ in 0..<today {
                let ci = order[rng.cumulative(cumulative, count: pool)]
                var site = clients[ci].home
                if sites.count > 1, rng.chance(0.12) { site = rng.below(sites.count) }
                if hours(site, d) == nil { site = sites.indices.first { hours($0, d) != nil } ?? site }
                slots.append((time(d, site: site), Int32(ci), Int32(site)))
            }
            slots.sort { $0.at < $1.at }
            var last: Timestamp = .min
            for slot in slots {
                let at = max(slot.at, last + 1)   // one contact per second keeps (time, id) order trivial
                last = at
                try contact(client: Int(slot.client), site: Int(slot.site), day: d, at: at, into: &buffer)
            }
            while next < extras.count { emit(extras[next], into: &buffer); next += 1 }
            if buffer.count >= batchSize {
                try batch(&buffer)
                buffer.removeAll(keepingCapacity: true)
            }
        }
        if !buffer.isEmpty { try batch(&buffer) }
        let kinds = ["client-registered", "contact-logged", "stock-received", "stock-transferred",
                     "stock-transfer-received", "stock-written-off", "stock-counted", "referral-issued",
                     "referral-updated", "referral-note-added", "clients-merged", "user-added", "user-removed",
                     "contact-corrected", "record-voided", "client-unmerged",
                     "client-profile-set", "incident-recorded", "activity-recorded", "user-point-set"]
        for (k, n) in zip(kinds, kindCounts) where n > 0 { summary.counts[k] = n }
        return summary
    }

    @inline(__always)
    private mutating func emit(_ e: Event, into out: inout [Event]) {
        count(e)
        out.append(e)
    }

    /// Emits the day's other events that fold before (at, id).
    @inline(__always)
    private mutating func flushExtras(before at: Timestamp, _ id: EventID, into out: inout [Event]) {
        while next < extras.count, extras[next].foldKey < FoldKey(at: at, id: id) {
            emit(extras[next], into: &out)
            next += 1
        }
    }

    /// Adds a later event of the current day to the pending ones, keeping them sorted.
    private mutating func schedule(_ e: Event) {
        var lo = next, hi = extras.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if Event.foldsBefore(extras[mid], e) { lo = mid + 1 } else { hi = mid }
        }
        extras.insert(e, at: lo)
    }

    private mutating func count(_ e: Event) {
        summary.events += 1
        if summary.first == nil { summary.first = e.at }
        summary.last = e.at
        let k: Int = switch e.body {
        case .clientRegistered: 0
        case .contactLogged: 1
        case .stockReceived: 2
        case .stockTransferred: 3
        case .stockTransferReceived: 4
        case .stockWrittenOff: 5
        case .stockCounted: 6
        case .referralIssued: 7
        case .referralUpdated: 8
        case .referralNoteAdded: 9
        case .clientsMerged: 10
        case .userAdded: 11
        case .userRemoved: 12
        case .contactCorrected: 13
        case .recordVoided: 14
        case .clientUnmerged: 15
        case .clientProfileSet: 16
        case .incidentRecorded: 17
        case .activityRecorded: 18
        case .userPointSet: 19
        }
        kindCounts[k] += 1
    }

    /// A random moment inside a site's opening hours (or inside `window` seconds after local midnight).
    private mutating func time(_ d: Int, site: Int, window: (Int, Int)? = nil) -> Timestamp {
        let w = window ?? hours(site, d) ?? (9 * 3600, 18 * 3600)
        return dayStart[d] + Timestamp(w.0 + rng.below(max(1, w.1 - w.0)))
    }

    /// The first day at or after `d` on which `site` is open, if within the plan.
    private func openDay(from d: Int, site: Int) -> Int? {
        var x = d
        while x < plan.days {
            if hours(site, x) != nil { return x }
            x += 1
        }
        return nil
    }

    private func handout(for profile: Int, overdose: Bool, using r: inout SyntheticRandom) -> Handout {
        let variants = handouts[profile]
        var h: Handout
        if r.chance(0.88) || looseItems[profile].isEmpty, !variants.isEmpty {
            h = variants[r.chance(0.85) || variants.count == 1 ? 0 : 1 + r.below(variants.count - 1)]
        } else {
            var q = [Int32](repeating: 0, count: itemCount)
            for (p, range) in looseItems[profile] where r.chance(0.8) || q.allSatisfy({ $0 == 0 }) {
                q[p] += Int32(r.int(range))
            }
            h = Self.handout([], q, catalogue)
        }
        let stimulantExtra = profile == 1 && r.chance(0.6)
        let kit = naloxoneKit.flatMap { k in (overdose ? r.chance(0.7) : r.chance(0.03)) && !h.packs.contains(k.packs[0]) ? k : nil }
        let bandages = bandage.flatMap { r.chance(0.02) ? $0 : nil }
        guard stimulantExtra || kit != nil || bandages != nil else { return h }
        var q = [Int32](repeating: 0, count: itemCount)
        for (l, p) in zip(h.items, h.positions) { q[p] += l.quantity }
        if stimulantExtra, let s = extraSyringe { q[s] += Int32(5 * r.int(2...12)) }
        if let kit {
            for (l, p) in zip(kit.items, kit.positions) { q[p] += l.quantity }
            h.packs.append(kit.packs[0])
        }
        if let b = bandages { q[b] += Int32(r.int(1...3)) }
        let limit = Int32(catalogue.limits.maxQuantityPerContact)
        for i in q.indices where q[i] > limit { q[i] = limit }
        return Self.handout(h.packs, q, catalogue)
    }

    private mutating func contact(client ci: Int, site: Int, day d: Int, at: Timestamp, into out: inout [Event]) throws {
        let author = rng.pick(sites[site].workers)
        let overdose = !outcomeIDs.isEmpty && rng.chance(0.0035)
        var r = rng
        let h = handout(for: clients[ci].profile, overdose: overdose, using: &r)
        rng = r
        var services: [String] = []
        if !serviceIDs.isEmpty, rng.chance(0.07) { services.append(serviceIDs[rng.weighted(serviceWeights)]) }
        let outcome = overdose ? outcomeIDs[rng.weighted(outcomeWeights)] : nil
        let note = rng.chance(0.015) ? rng.pick(SyntheticText.contactNotes) : nil
        var type = sites[site].mobile ? "mobile" : "stationary"
        if !sites[site].mobile {
            let x = rng.unit()
            if x < 0.06, let s = streetType { type = s } else if x < 0.10, let s = dropInType { type = s }
        }
        let id = rng.eventID()
        let siteID = sites[site].id
        let newClient = !clients[ci].registered
        if newClient {
            // Registered with the first contact, as the Validator does (a derived id just before).
            clients[ci].registered = true
            let rid = Validator.derived(id)
            flushExtras(before: at, rid, into: &out)
            emit(Event(id: rid, at: at, author: author, device: plan.device, site: siteID,
                       body: .clientRegistered(clients[ci].uic)), into: &out)
        }
        let detail = contactDetail(profile: clients[ci].profile, services: services, overdose: outcome)
        flushExtras(before: at, id, into: &out)
        emit(Event(id: id, at: at, author: author, device: plan.device, site: siteID,
                   body: .contactLogged(Contact(client: clients[ci].uic, type: type, items: h.items,
                                                services: services, overdose: outcome, note: note,
                                                packs: h.packs, detail: detail))), into: &out)
        if newClient, let profile = clientProfile(ci) {
            // Asked at the first visit and saved with the contact, as the TUI's code-builder flow
            // does: the same time and the next id, so that the profile already applies to it.
            schedule(Event(id: EventID(high: id.high, low: id.low &+ 1), at: at, author: author,
                           device: plan.device, site: siteID, body: .clientProfileSet(profile)))
        }
        if plan.stock {
            for (l, p) in zip(h.items, h.positions) {
                level[site][p] -= Int64(l.quantity)
                usedThisMonth[site][p] += Int64(l.quantity)
            }
        }
        if plan.referrals, !serviceIDs.isEmpty, rng.chance(0.03) {
            try referral(client: ci, site: site, day: d, at: at + Timestamp(rng.int(60...600)), author: author)
        }
    }

    // MARK: Profiles and contact details

    /// What a worker records about a new client (about two in three are asked), from the
    /// generator's use profile: substances, routes, opioid agonist therapy, gender.
    private mutating func clientProfile(_ ci: Int) -> ClientProfile? {
        var r = detailRng
        defer { detailRng = r }
        guard r.chance(0.65) else { return nil }
        let c = clients[ci]
        var p = ClientProfile(client: c.uic)
        switch c.profile {
        case 0:   // opioid
            p.substances = r.chance(0.2) ? [.opioids, .stimulants] : [.opioids]
            p.routes = r.chance(0.15) ? [.injecting, .smoking] : [.injecting]
            p.oat = [OATStatus.yes, .no, .unknown][r.weighted([0.18, 0.62, 0.20])]
        case 1:   // stimulant
            p.substances = r.chance(0.35) ? [.stimulants, .nps] : [.stimulants]
            p.routes = [[Route.injecting], [.sniffing], [.injecting, .sniffing]][r.weighted([0.5, 0.3, 0.2])]
        case 2:   // smoking
            p.substances = r.chance(0.5) ? [.nps] : [.stimulants]
            p.routes = [.smoking]
        case 3:   // sexual health
            if r.chance(0.3) { p.substances = [.other] }
        default:  // mixed
            p.substances = [.opioids, .stimulants]
            p.routes = [.injecting, .smoking]
            p.oat = r.chance(0.1) ? .yes : .no
        }
        if r.chance(0.7) {
            p.gender = c.female ? (r.chance(0.03) ? .transWoman : .woman) : (r.chance(0.02) ? .nonBinary : .man)
        }
        return p.isEmpty ? nil : p
    }

    /// The overdose's kind and who came, and rapid test results, as the Validator allows them
    /// (details only with an outcome, results only for rapid tests delivered).
    private mutating func contactDetail(profile: Int, services: [String], overdose: String?) -> ContactDetail {
        var d = ContactDetail()
        guard overdose != nil || services.contains(where: { rapidTests.contains($0) }) else { return d }
        var r = detailRng
        defer { detailRng = r }
        if overdose != nil {
            d.overdoseKind = switch profile {
            case 1, 2: [OverdoseKind.stimulant, .overheating, .psychosis, .other][r.weighted([0.45, 0.25, 0.2, 0.1])]
            default: r.chance(0.9) ? .opioid : .other
            }
            if r.chance(0.35) { d.responders.append(r.chance(0.7) ? .ambulanceCalled : .ambulanceRefused) }
            if r.chance(0.06) { d.responders.append(.policeCame) }
        }
        for s in services where rapidTests.contains(s) && r.chance(0.85) {
            let reactive = s == "hcv-test" ? 0.18 : 0.04
            let result = [TestResult.nonReactive, .reactive, .invalid, .notDisclosed][r.weighted([0.93 - reactive, reactive, 0.01, 0.06])]
            d.results.append(ServiceResult(service: s, result: result))
        }
        return d
    }

    private mutating func referral(client ci: Int, site: Int, day d: Int, at: Timestamp, author: String) throws {
        let service = serviceIDs[rng.weighted(serviceWeights)]
        let id = rng.eventID()
        let due: DayNumber? = rng.chance(0.7) ? dayNumber[d] + DayNumber(rng.int(7...21)) : nil
        let note = rng.chance(0.2) ? rng.pick(SyntheticText.referralNotes) : nil
        schedule(Event(id: id, at: at, author: author, device: plan.device, site: sites[site].id,
                         body: .referralIssued(ReferralIssue(client: clients[ci].uic, service: service, due: due, note: note))))
        // What happens next.
        var steps: [ReferralStatus] = []
        let fate = rng.unit()
        if fate >= 0.22 {
            if rng.chance(0.3) { steps.append(.accompanied) }
            steps.append([ReferralStatus.attended, .declined, .lost][rng.weighted([0.55, 0.15, 0.30])])
        }
        var basedOn = id
        var day = d
        for (n, status) in steps.enumerated() {
            guard let u = openDay(from: day + rng.int(1...14), site: site) else { break }
            day = u
            let uid = rng.eventID()
            let worker = rng.pick(sites[site].workers)
            let when = time(u, site: site)
            let text = rng.chance(0.25) ? rng.pick(SyntheticText.updateNotes) : nil
            future[u, default: []].append(Event(id: uid, at: when, author: worker, device: plan.device, site: sites[site].id,
                                                body: .referralUpdated(ReferralUpdate(referral: id, status: status, note: text, basedOn: basedOn))))
            if n == steps.count - 1, rng.chance(0.02) {
                // Someone elsewhere changed the same referral without seeing this change.
                let other = (site + 1) % sites.count
                let alt: ReferralStatus = status == .lost ? .attended : .lost
                future[u, default: []].append(Event(
                    id: rng.eventID(), at: when + Timestamp(rng.int(60...3600)), author: rng.pick(sites[other].workers),
                    device: plan.device, site: sites[other].id,
                    body: .referralUpdated(ReferralUpdate(referral: id, status: alt, note: nil, basedOn: basedOn))))
            }
            basedOn = uid
        }
        if let seal, let psy = psychologist, service == "peer-psychologist" || service == "mental-health", rng.chance(0.7) {
            let psySite = sites.firstIndex { $0.id == psy.site } ?? site
            if let u = openDay(from: d + rng.int(1...5), site: psySite) {
                let sealed = try seal(rng.pick(SyntheticText.confidentialNotes))
                future[u, default: []].append(Event(id: rng.eventID(), at: time(u, site: psySite), author: psy.name,
                                                    device: plan.device, site: sites[psySite].id,
                                                    body: .referralNoteAdded(ConfidentialNote(referral: id, sealed: sealed))))
            }
        }
    }

    private mutating func mergeClients(_ pairs: [(from: Int, into: Int)], day d: Int) {
        for p in pairs {
            guard clients[p.from].registered && clients[p.into].registered else {
                // Not both seen yet: the coordinator looks again in two weeks.
                if d + 14 < plan.days { merges[d + 14, default: []].append(p) }
                continue
            }
            extras.append(Event(id: rng.eventID(), at: time(d, site: hub, window: (17 * 3600, 18 * 3600)),
                             author: coordinator, device: plan.device, site: sites[hub].id,
                             body: .clientsMerged(from: clients[p.from].uic, into: clients[p.into].uic)))
        }
    }

    // MARK: Stock

    private mutating func track(_ e: Event) {
        guard plan.stock else { return }
        if case .stockTransferReceived(let r) = e.body,
           let s = sites.firstIndex(where: { $0.id == e.site }), let i = catalogue.itemPosition(r.item) {
            level[s][i] += Int64(r.quantity)
            transit[s][i] -= Int64(r.quantity)
        }
    }

    /// Books a transfer sent from the hub; it is confirmed at the destination first thing on
    /// one of the next working days (or stays in transit past the end of the plan).
    private mutating func transfer(_ i: Int, _ q: Int64, to s: Int, day d: Int, id: EventID) {
        level[hub][i] -= q
        transit[s][i] += q
        if let u = openDay(from: d + rng.int(1...2), site: s) {
            let at = dayStart[u] + Timestamp(8 * 3600 + rng.below(1800))
            future[u, default: []].append(Event(
                id: rng.eventID(), at: at, author: rng.pick(sites[s].workers), device: plan.device, site: sites[s].id,
                body: .stockTransferReceived(TransferReceipt(transfer: id, item: catalogue.items[i].id,
                                                             quantity: Int32(q), from: sites[hub].id))))
        }
    }

    private static func roundUp(_ x: Double, _ step: Int64) -> Int64 {
        guard x > 0 else { return 0 }
        return (Int64(x.rounded(.up)) + step - 1) / step * step
    }

    /// Admin events happen before opening (08:00–08:59), so the levels the generator decides
    /// on are the levels the ledger will have at that moment.
    private mutating func stockDay(_ d: Int) throws {
        guard isWeekday(d), itemCount > 0 else { return }
        let firstOfMonth = !(0..<d).contains { monthKey[$0] == monthKey[d] && isWeekday($0) }
        let secondOfMonth = !firstOfMonth && (0..<d).filter { monthKey[$0] == monthKey[d] && isWeekday($0) }.count == 1
        let lastOfMonth = !((d + 1)..<plan.days).contains { monthKey[$0] == monthKey[d] && isWeekday($0) }
            && d + 1 < plan.days
        // Receipts of transfers come 08:00–08:30 (see below); then deliveries, transfers,
        // write-offs and stocktakes each in their own slot, so the fold order matches the
        // order the generator decided them in.
        func post(_ site: Int, _ body: EventBody, _ slot: Int) -> EventID {
            let id = rng.eventID()
            let from = 8 * 3600 + 1800 + slot * 450
            extras.append(Event(id: id, at: time(d, site: site, window: (from, from + 450)), author: coordinator,
                             device: plan.device, site: sites[site].id, body: body))
            return id
        }
        if !(0..<d).contains(where: { isWeekday($0) }) {
            // Opening balances: each point starts with about a month and a half of stock.
            for s in sites.indices {
                for i in 0..<itemCount {
                    let q = Self.roundUp(monthlyNeed[s][i] * 1.5, 10)
                    guard q > 0 else { continue }
                    _ = post(s, .stockReceived(StockReceipt(item: catalogue.items[i].id, quantity: Int32(q))), 0)
                    level[s][i] += q
                }
            }
        } else if firstOfMonth {
            // Coordinators plan from what was used last month (never below the estimate).
            for s in sites.indices {
                for i in 0..<itemCount {
                    monthlyNeed[s][i] = max(estimatedNeed[s][i], Double(usedThisMonth[s][i]))
                    usedThisMonth[s][i] = 0
                }
            }
            for i in 0..<itemCount {
                let need = sites.indices.reduce(0.0) { $0 + monthlyNeed[$1][i] } * 1.5
                let have = sites.indices.reduce(Int64(0)) { $0 + level[$1][i] + transit[$1][i] }
                let q = Self.roundUp(need - Double(have), 50)
                guard q > 0 else { continue }
                var lot: String?
                var expires: DayNumber?
                if lotItems.contains(i) {
                    // e.g. "NX-25C": prefix, two-digit year, month as a letter (A = January).
                    let yy = monthKey[d] / 12 % 100
                    lot = "\(rng.pick(SyntheticText.lotPrefixes))-\(yy < 10 ? "0" : "")\(yy)\(Character(Unicode.Scalar(UInt8(65 + monthKey[d] % 12))))"
                    expires = dayNumber[d] + DayNumber(rng.int(300...720))
                }
                _ = post(hub, .stockReceived(StockReceipt(item: catalogue.items[i].id, quantity: Int32(q), lot: lot, expires: expires)), 0)
                level[hub][i] += q
            }
        }
        if secondOfMonth {
            for s in sites.indices where s != hub {
                for i in 0..<itemCount {
                    var q = Self.roundUp(monthlyNeed[s][i] * 1.3 - Double(level[s][i] + transit[s][i]), 10)
                    q = min(q, level[hub][i] / 10 * 10)
                    guard q > 0 else { continue }
                    transfer(i, q, to: s, day: d, id: post(hub, .stockTransferred(StockTransfer(
                        item: catalogue.items[i].id, quantity: Int32(q), to: sites[s].id)), 1))
                }
            }
        }
        // Urgent top-ups when a point runs low between the monthly rounds.
        if !firstOfMonth && !secondOfMonth {
            for i in 0..<itemCount {
                let total = sites.indices.reduce(0.0) { $0 + monthlyNeed[$1][i] }
                if Double(level[hub][i]) < 0.3 * total {
                    let q = Self.roundUp(total - Double(level[hub][i]), 50)
                    _ = post(hub, .stockReceived(StockReceipt(item: catalogue.items[i].id, quantity: Int32(q))), 0)
                    level[hub][i] += q
                }
                for s in sites.indices where s != hub && transit[s][i] == 0
                    && Double(level[s][i]) < 0.35 * monthlyNeed[s][i] {
                    let q = min(Self.roundUp(monthlyNeed[s][i] * 0.8, 10), level[hub][i] / 10 * 10)
                    guard q > 0 else { continue }
                    transfer(i, q, to: s, day: d, id: post(hub, .stockTransferred(StockTransfer(
                        item: catalogue.items[i].id, quantity: Int32(q), to: sites[s].id)), 1))
                }
            }
        }
        // Occasional write-offs.
        for s in sites.indices where rng.chance(0.012) {
            let i = rng.below(itemCount)
            guard level[s][i] > 5 else { continue }
            let reason: WriteOffReason = lotItems.contains(i) && rng.chance(0.6) ? .expired
                : [WriteOffReason.damaged, .lost, .seized, .other][rng.weighted([0.6, 0.2, 0.1, 0.1])]
            let q = Int64(rng.int(1...Int(min(40, level[s][i] / 4 + 1))))
            _ = post(s, .stockWrittenOff(StockWriteOff(item: catalogue.items[i].id, quantity: Int32(q), reason: reason)), 2)
            level[s][i] -= q
        }
        if lastOfMonth {
            for s in sites.indices {
                for _ in 0..<3 {
                    let i = rng.below(itemCount)
                    let current = max(0, level[s][i])
                    var counted = current
                    let x = rng.unit()
                    if x < 0.2 { counted = max(0, current - Int64(rng.int(1...5))) } else if x < 0.25 { counted += Int64(rng.int(1...2)) }
                    _ = post(s, .stockCounted(StockCount(item: catalogue.items[i].id, counted: Int32(clamping: counted))), 3)
                    level[s][i] = counted
                }
            }
        }
    }
}

extension Int64 {
    /// Division rounding towards negative infinity.
    func floorDiv(_ d: Int64) -> Int64 {
        let q = self / d
        return (self % d != 0 && (self < 0) != (d < 0)) ? q - 1 : q
    }
}

extension Calendar {
    static func yearOf(_ t: Timestamp, _ tz: TimeZone) -> Int {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = tz
        return cal.component(.year, from: Date(timeIntervalSince1970: TimeInterval(t)))
    }
}
