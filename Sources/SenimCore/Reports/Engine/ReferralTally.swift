import Foundation

/// What a referral of the cohort counts as: every one counts as `issued`, and its current
/// status adds it to exactly one of the others (`issued = attended + declined + lost + open`).
enum ReferralOutcome: Int, CaseIterable {
    case issued, attended, declined, lost, open

    /// Row id suffix (`referrals.<service>.<id>`) and locale key suffix.
    var id: String {
        switch self {
        case .issued: "issued"
        case .attended: "attended"
        case .declined: "declined"
        case .lost: "lost"
        case .open: "open"
        }
    }

    /// The outcomes a referral is split into by its status.
    static let byStatus: [ReferralOutcome] = [.attended, .declined, .lost, .open]

    init(status: ReferralStatus) {
        switch status {
        case .issued, .accompanied: self = .open
        case .attended: self = .attended
        case .declined: self = .declined
        case .lost: self = .lost
        }
    }
}

/// Referrals issued in the period (the cohort) counted per service, outcome and column, and
/// the days to attendance per column.
struct ReferralTally {
    struct Member {
        var record: ReferralRecord
        var service: Int
    }
    /// Catalogue services, then other services the cohort uses.
    private(set) var services: [String] = []
    private(set) var cohort: [Member] = []
    /// Issuers of the cohort who are not authors of any contact (`--by worker`).
    private(set) var issuersWithoutContacts: [String] = []
    private var columns = 0
    /// `counts[(service * outcomes + outcome) * columns + column]`, behind `count`/`add`.
    private var counts: [Int] = []
    /// Per column: days from issue to attendance of the attended referrals (all services).
    private(set) var daysToAttendance: [[Int]] = []

    /// The cohort of `[start, end)` at `point` (all points when nil).
    static func cohort(ledger: LedgerState, catalogue: Catalogue, start: Timestamp, end: Timestamp, point: String?,
                       collectIssuers: Bool) -> ReferralTally {
        var t = ReferralTally()
        t.services = catalogue.services.map(\.id)
        var serviceIndex = Dictionary(uniqueKeysWithValues: t.services.enumerated().map { ($1, $0) })
        var seenIssuers = Set<String>()
        for id in ledger.referralOrder {
            guard let r = ledger.referrals[id], r.issuedAt >= start, r.issuedAt < end else { continue }
            if let point, r.site != point { continue }
            let s: Int
            if let known = serviceIndex[r.service] { s = known } else {
                s = t.services.count
                serviceIndex[r.service] = s
                t.services.append(r.service)
            }
            t.cohort.append(Member(record: r, service: s))
            if collectIssuers, ledger.workers.lookup(r.issuedBy) == nil, seenIssuers.insert(r.issuedBy).inserted {
                t.issuersWithoutContacts.append(r.issuedBy)
            }
        }
        return t
    }

    mutating func allocate(columns: Int) {
        self.columns = columns
        counts = [Int](repeating: 0, count: services.count * ReferralOutcome.allCases.count * columns)
        daysToAttendance = [[Int]](repeating: [], count: columns)
    }

    private func slot(_ service: Int, _ outcome: ReferralOutcome, _ column: Int) -> Int {
        (service * ReferralOutcome.allCases.count + outcome.rawValue) * columns + column
    }

    /// Counts one member of the cohort in `column`.
    mutating func add(_ m: Member, column: Int, timeZone tz: TimeZone) {
        let r = m.record
        counts[slot(m.service, .issued, column)] += 1
        counts[slot(m.service, ReferralOutcome(status: r.status), column)] += 1
        if r.status == .attended {
            let at = r.history.first(where: { $0.status == .attended })?.at ?? r.statusAt
            let days = ReportPeriod.dayNumber(of: Date(timeIntervalSince1970: TimeInterval(at)), timeZone: tz)
                - ReportPeriod.dayNumber(of: Date(timeIntervalSince1970: TimeInterval(r.issuedAt)), timeZone: tz)
            daysToAttendance[column].append(days)
        }
    }

    /// Referrals of one service (nil: all services) with this outcome in a column.
    func count(service: Int?, _ outcome: ReferralOutcome, column: Int) -> Int {
        if let service { return counts[slot(service, outcome, column)] }
        var n = 0
        for s in services.indices { n += counts[slot(s, outcome, column)] }
        return n
    }
}
