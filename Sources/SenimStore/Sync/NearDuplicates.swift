import SenimCore

/// Finds client codes one edit apart (the same person typed differently) without comparing
/// every pair: two codes within one edit share a "deletion key" (the code with one character
/// removed, or the code itself), so only codes sharing a key are compared, through
/// `UICFormula.nearDuplicates`, which also requires the same sex digit and birth year.
enum NearDuplicates {
    /// Groups among the unmerged clients of `ledger`. With `only`, just the groups that involve
    /// one of those codes (each such code listed with all its near neighbours); otherwise
    /// every pair once, under its smaller code.
    static func find(in ledger: LedgerState, formula: UICFormula, only: Set<UIC>?) -> [NearDuplicate] {
        if let only, only.isEmpty { return [] }
        let codes = ledger.clients.filter { $0.mergedInto == nil }.map(\.uic)
        var index: [String: [Int32]] = [:]
        index.reserveCapacity(codes.count * 8)
        for (i, u) in codes.enumerated() {
            for k in keys(u.code) { index[k, default: []].append(Int32(i)) }
        }
        var out: [NearDuplicate] = []
        let subjects = only.map { o in codes.indices.filter { o.contains(codes[$0]) } } ?? Array(codes.indices)
        for i in subjects {
            let u = codes[i]
            var candidates = Set<Int32>()
            for k in keys(u.code) { for j in index[k] ?? [] where j != Int32(i) { candidates.insert(j) } }
            guard !candidates.isEmpty else { continue }
            var near = formula.nearDuplicates(of: u, among: candidates.map { codes[Int($0)] })
            if only == nil { near = near.filter { u < $0 } }
            if !near.isEmpty { out.append(NearDuplicate(uic: u, similar: near)) }
        }
        return out.sorted { $0.uic < $1.uic }
    }

    static func keys(_ code: String) -> [String] {
        let c = Array(code.utf8)
        var out = [code]
        out.reserveCapacity(c.count + 1)
        for i in c.indices {
            var d = c
            d.remove(at: i)
            out.append(String(decoding: d, as: UTF8.self))
        }
        return out
    }
}
