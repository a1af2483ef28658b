import Foundation

/// Small-cell suppression with complementary suppression.
///
/// 1. Primary: every count or quantity of 1…`upTo` in a table about clients is hidden.
/// 2. Complementary: every published sum (`CellRelation`: a total across columns, a category
///    over its items, a referral's statuses…) is an equation a reader can solve. While some
///    hidden cell can be worked out exactly from the shown cells and the equations, one more
///    cell is hidden: the smallest positive shown cell of an equation with that cell in it.
///    "Worked out" is checked exactly: a hidden cell is determined when its unit vector lies in
///    the row space of the equations restricted to hidden cells (Gauss–Jordan elimination).
/// 3. Derived figures (ratios, percentages, medians) are hidden when any figure they are
///    computed from is hidden.
///
/// Zeros are not suppressed and are used as complements only when nothing else is left.
public enum Suppression {
    /// Components larger than this are checked with the one-hidden-cell-per-equation rule only.
    public static let exactAuditLimit = 600

    public static func apply(_ report: IndicatorReport, upTo threshold: Int) -> IndicatorReport {
        var r = report
        let upTo = max(ReportingConfig.minimumSuppression, threshold)
        var hidden = Set<CellRef>()
        for (t, table) in r.tables.enumerated() where table.suppressible {
            for (i, row) in table.rows.enumerated() where row.kind.isCount {
                for (c, v) in row.values.enumerated() {
                    if let v, v >= 1, v <= Double(upTo) { hidden.insert(CellRef(t, i, c)) }
                }
            }
        }
        func value(_ c: CellRef) -> Double { r.tables[c.table].rows[c.row].values[c.column] ?? 0 }
        let relations = r.relations.filter { rel in
            ([rel.total] + rel.parts).allSatisfy { r.tables[$0.table].suppressible && r.tables[$0.table].rows[$0.row].values[$0.column] != nil }
        }
        // Relations by cell.
        var byCell: [CellRef: [Int]] = [:]
        for (i, rel) in relations.enumerated() {
            for c in [rel.total] + rel.parts { byCell[c, default: []].append(i) }
        }

        /// The shown cell of a relation to hide next to a determined one: smallest positive value,
        /// parts before the total, then cell order; a zero only if nothing else is left.
        func complement(_ rel: CellRelation) -> CellRef? {
            let cells = rel.parts + [rel.total]
            let open = cells.enumerated().filter { !hidden.contains($0.element) }
            let best = open.min { a, b in
                let va = value(a.element), vb = value(b.element)
                let ka = (va > 0 ? 0 : 1, va, a.offset), kb = (vb > 0 ? 0 : 1, vb, b.offset)
                return ka < kb
            }
            return best?.element
        }

        var guardCount = 0
        while guardCount < 100_000 {
            guardCount += 1
            // Phase 1: no equation may have exactly one hidden cell.
            var changed = true
            while changed {
                changed = false
                for rel in relations {
                    let cells = [rel.total] + rel.parts
                    let n = cells.reduce(0) { $0 + (hidden.contains($1) ? 1 : 0) }
                    if n == 1, let c = complement(rel) {
                        hidden.insert(c)
                        changed = true
                    }
                }
            }
            // Phase 2: exact audit of the linear system.
            guard let determined = firstDetermined(relations: relations, hidden: hidden) else { break }
            var fixed = false
            let candidates = (byCell[determined] ?? []).map { relations[$0] }
            for rel in candidates.sorted(by: { ($0.parts.count, $0.total) < ($1.parts.count, $1.total) }) {
                if let c = complement(rel) {
                    hidden.insert(c)
                    fixed = true
                    break
                }
            }
            if !fixed {
                // Every equation through the cell is fully hidden: widen to the whole component.
                let comp = component(of: determined, relations: relations, byCell: byCell, hidden: hidden)
                let shown = comp.flatMap { [relations[$0].total] + relations[$0].parts }.filter { !hidden.contains($0) }
                guard let c = shown.min(by: { (value($0) > 0 ? 0 : 1, value($0), $0) < (value($1) > 0 ? 0 : 1, value($1), $1) }) else { break }
                hidden.insert(c)
            }
        }

        for c in hidden { r.tables[c.table].rows[c.row].suppressed[c.column] = true }

        // Derived cells follow their inputs (rows referenced by id, same column).
        var rowIndex: [String: (Int, Int)] = [:]
        for (t, table) in r.tables.enumerated() { for (i, row) in table.rows.enumerated() { rowIndex[row.id] = (t, i) } }
        for t in r.tables.indices where r.tables[t].suppressible {
            for i in r.tables[t].rows.indices where r.tables[t].rows[i].kind.isDerived {
                let deps = r.tables[t].rows[i].dependsOn.compactMap { rowIndex[$0] }
                for c in r.tables[t].rows[i].values.indices where r.tables[t].rows[i].values[c] != nil {
                    if deps.contains(where: { r.tables[$0.0].rows[$0.1].suppressed[c] }) {
                        r.tables[t].rows[i].suppressed[c] = true
                    }
                }
            }
        }
        r.internal = false
        r.suppressed = true
        r.suppressedUpTo = upTo
        return r
    }

    /// Suppression of the tables marked `alwaysSuppressed` only (for output a coordinator asked
    /// to have exact): the rest of the report stays exact and `internal`.
    public static func applyToAlwaysSuppressed(_ report: IndicatorReport, upTo threshold: Int) -> IndicatorReport {
        let keep = report.tables.indices.filter { report.tables[$0].alwaysSuppressed }
        guard !keep.isEmpty else { return report }
        let newIndex = Dictionary(uniqueKeysWithValues: keep.enumerated().map { ($1, $0) })
        var sub = report
        sub.tables = keep.map { report.tables[$0] }
        sub.relations = report.relations.compactMap { rel in
            let cells = [rel.total] + rel.parts
            guard cells.allSatisfy({ newIndex[$0.table] != nil }) else { return nil }
            func map(_ c: CellRef) -> CellRef { CellRef(newIndex[c.table]!, c.row, c.column) }
            return CellRelation(total: map(rel.total), parts: rel.parts.map(map))
        }
        let done = apply(sub, upTo: threshold)
        var out = report
        for (i, t) in keep.enumerated() { out.tables[t] = done.tables[i] }
        return out
    }

    /// Relations connected to `cell` through hidden cells.
    static func component(of cell: CellRef, relations: [CellRelation], byCell: [CellRef: [Int]], hidden: Set<CellRef>) -> [Int] {
        var seenRel = Set<Int>()
        var seenCell: Set<CellRef> = [cell]
        var queue = [cell]
        while let c = queue.popLast() {
            for ri in byCell[c] ?? [] where seenRel.insert(ri).inserted {
                let rel = relations[ri]
                for x in [rel.total] + rel.parts where hidden.contains(x) && seenCell.insert(x).inserted { queue.append(x) }
            }
        }
        return seenRel.sorted()
    }

    /// A hidden cell whose value follows from the shown cells and the relations, if any.
    public static func firstDetermined(relations: [CellRelation], hidden: Set<CellRef>) -> CellRef? {
        // Unknowns and the equations that involve them, split into connected components.
        var unknownIndex: [CellRef: Int] = [:]
        var unknowns: [CellRef] = []
        var equations: [[(Int, Double)]] = []
        for rel in relations {
            var eq: [(Int, Double)] = []
            for (c, coef) in [(rel.total, 1.0)] + rel.parts.map({ ($0, -1.0) }) where hidden.contains(c) {
                let k: Int
                if let i = unknownIndex[c] { k = i } else {
                    k = unknowns.count
                    unknownIndex[c] = k
                    unknowns.append(c)
                }
                eq.append((k, coef))
            }
            if !eq.isEmpty { equations.append(eq) }
        }
        guard !equations.isEmpty else { return nil }
        // Union-find over unknowns.
        var parent = Array(0..<unknowns.count)
        func find(_ x: Int) -> Int {
            var x = x
            while parent[x] != x { parent[x] = parent[parent[x]]; x = parent[x] }
            return x
        }
        for eq in equations {
            for (k, _) in eq.dropFirst() {
                let a = find(eq[0].0), b = find(k)
                if a != b { parent[a] = b }
            }
        }
        var groups: [Int: [Int]] = [:]
        for (i, eq) in equations.enumerated() { groups[find(eq[0].0), default: []].append(i) }
        var found: [CellRef] = []
        for (_, eqs) in groups {
            // Local numbering of this component's unknowns.
            var local: [Int: Int] = [:]
            var vars: [Int] = []
            for e in eqs { for (k, _) in equations[e] where local[k] == nil { local[k] = vars.count; vars.append(k) } }
            if vars.count == 1 { found.append(unknowns[vars[0]]); continue }
            if vars.count > exactAuditLimit {
                // Too large for the exact check: the one-hidden-cell rule (phase 1) still holds.
                for e in eqs where equations[e].count == 1 { found.append(unknowns[equations[e][0].0]) }
                continue
            }
            var m: [[Double]] = eqs.map { e in
                var row = [Double](repeating: 0, count: vars.count)
                for (k, coef) in equations[e] { row[local[k]!] += coef }
                return row
            }
            // Gauss–Jordan to reduced row echelon form.
            var pivotRow = 0
            var pivots: [(row: Int, col: Int)] = []
            for col in 0..<vars.count where pivotRow < m.count {
                var best = pivotRow
                for i in pivotRow..<m.count where abs(m[i][col]) > abs(m[best][col]) { best = i }
                guard abs(m[best][col]) > 1e-9 else { continue }
                m.swapAt(pivotRow, best)
                let p = m[pivotRow][col]
                for j in 0..<vars.count { m[pivotRow][j] /= p }
                for i in 0..<m.count where i != pivotRow && abs(m[i][col]) > 1e-12 {
                    let f = m[i][col]
                    for j in 0..<vars.count { m[i][j] -= f * m[pivotRow][j] }
                }
                pivots.append((pivotRow, col))
                pivotRow += 1
            }
            for (row, col) in pivots {
                var single = true
                for j in 0..<vars.count where j != col && abs(m[row][j]) > 1e-9 { single = false; break }
                if single { found.append(unknowns[vars[col]]) }
            }
        }
        return found.min()
    }
}
