import SenimCore

/// Sync's view of likely duplicate codes, grouped per code. The rule and the candidates belong
/// to `SenimCore.DuplicateFinder`; this only groups its pairs.
enum NearDuplicates {
    /// Groups among the unmerged clients of `ledger`. With `only`, just the groups that involve
    /// one of those codes (each such code listed with all its likely duplicates); otherwise
    /// every pair once, under its smaller code.
    static func find(in ledger: LedgerState, formula: UICFormula, only: Set<UIC>?) -> [NearDuplicate] {
        let pairs = DuplicateFinder.pairs(in: ledger, formula: formula, only: only)
        var groups: [UIC: [UIC]] = [:]
        for p in pairs {
            if let only {
                if only.contains(p.a) { groups[p.a, default: []].append(p.b) }
                if only.contains(p.b) { groups[p.b, default: []].append(p.a) }
            } else {
                groups[p.a, default: []].append(p.b)
            }
        }
        return groups.map { NearDuplicate(uic: $0.key, similar: $0.value.sorted()) }.sorted { $0.uic < $1.uic }
    }
}
