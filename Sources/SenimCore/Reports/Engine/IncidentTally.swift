import Foundation

/// Rights-violation incidents and group activities of the period and scope, per column.
/// Person columns (sex, age) place an incident by its linked code (unlinked: "unknown");
/// contact types do not apply to either, nor person columns to activities (they have no codes).
struct IncidentTally {
    /// `incidents[column * kinds + kind]`, kinds in `IncidentKind.allCases` order.
    var incidents: [Int] = []
    /// `sessions` / `participants[column * kinds + kind]`, kinds in `ActivityKind.allCases` order.
    var sessions: [Int] = []
    var participants: [Int] = []
}

extension ReportAccumulator {
    /// Whether incidents / activities have per-column figures in this disaggregation.
    var incidentsSplit: Bool { by != nil && by != .type }
    var activitiesSplit: Bool { by == .point || by == .worker }

    mutating func countIncidentsAndActivities() {
        let nk = IncidentKind.allCases.count, na = ActivityKind.allCases.count
        var t = IncidentTally()
        t.incidents = [Int](repeating: 0, count: columnCount * nk)
        t.sessions = [Int](repeating: 0, count: columnCount * na)
        t.participants = t.sessions
        let kindIndex = Dictionary(uniqueKeysWithValues: IncidentKind.allCases.enumerated().map { ($1, $0) })
        let activityIndex = Dictionary(uniqueKeysWithValues: ActivityKind.allCases.enumerated().map { ($1, $0) })
        let unknownPersonColumn = by == .sex ? sexKeys.count : AgeGroup.unknown.rawValue
        for i in ledger.incidents where i.at >= start && i.at < end {
            if let s = scopeSite, i.site != s { continue }
            var col: Int? = nil
            switch by {
            case nil, .type: col = nil
            case .sex, .age: col = i.client.map { Int(column(ofClient: canon[Int($0)])) } ?? unknownPersonColumn
            case .point: col = Int(i.site)
            case .worker: col = Int(i.author)
            case .gender: col = genderColumn(i.client.map { Int(canon[Int($0)]) }, at: i.at)
            case .substance: col = substanceColumn(i.client.map { Int(canon[Int($0)]) }, at: i.at)
            }
            let k = kindIndex[i.kind]!
            t.incidents[total * nk + k] += 1
            if let col {
                t.incidents[col * nk + k] += 1
                rawHasData[col] = true
            }
        }
        for a in ledger.activities where a.at >= start && a.at < end {
            if let s = scopeSite, a.site != s { continue }
            var col: Int? = nil
            switch by {
            case .point: col = Int(a.site)
            case .worker: col = Int(a.author)
            default: col = nil
            }
            let k = activityIndex[a.kind]!
            for c in [total] + (col.map { [$0] } ?? []) {
                t.sessions[c * na + k] += 1
                t.participants[c * na + k] += Int(a.participants)
            }
            if let col { rawHasData[col] = true }
        }
        incidentTally = t
    }
}
