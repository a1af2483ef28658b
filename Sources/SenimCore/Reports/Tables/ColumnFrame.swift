import Foundation

/// A column a report shows, and the raw accumulator column behind it.
struct FinalColumn {
    var id: String
    var label: ReportLabel
    var raw: Int
}

/// The columns of the client tables and how the accumulator's per-column arrays are read
/// through them (shown columns, then the total).
struct ColumnFrame {
    let shown: [FinalColumn]
    /// Raw index of the total.
    let totalRaw: Int
    let columns: [ReportColumn]
    var count: Int { shown.count + 1 }

    init(_ acc: ReportAccumulator) {
        shown = Self.finalColumns(acc)
        totalRaw = acc.total
        columns = shown.map { ReportColumn(id: $0.id, label: $0.label) }
            + [ReportColumn(id: "total", label: .key("report.col.total", []), isTotal: true)]
    }

    /// Values of a per-column array.
    func values(_ a: [Int]) -> [Double?] { shown.map { Double(a[$0.raw]) } + [Double(a[totalRaw])] }

    /// Values computed per raw column (`applies` false: only the total applies).
    func values(applies: Bool = true, _ f: (Int) -> Double?) -> [Double?] {
        shown.map { applies ? f($0.raw) : nil } + [f(totalRaw)]
    }

    /// Not applicable in any column.
    var none: [Double?] { Array(repeating: nil, count: count) }

    /// Cell-wise `a × scale ÷ b`; nil where either is nil or `b` is not positive.
    static func ratio(_ a: [Double?], _ b: [Double?], scale: Double = 1) -> [Double?] {
        zip(a, b).map { x, y in
            guard let x, let y, y > 0 else { return nil }
            return x * scale / y
        }
    }

    /// Cell-wise sum.
    static func sum(_ rows: [[Double?]], count: Int) -> [Double?] {
        var out = [Double?](repeating: 0, count: count)
        for r in rows { for (j, v) in r.enumerated() { out[j] = (out[j] ?? 0) + (v ?? 0) } }
        return out
    }

    static func finalColumns(_ acc: ReportAccumulator) -> [FinalColumn] {
        let ledger = acc.ledger
        let strings = "report.col."
        switch acc.by {
        case nil: return []
        case .sex:
            return acc.sexKeys.enumerated().map { FinalColumn(id: $1, label: .key(strings + "sex.\($1)", []), raw: $0) }
                + [FinalColumn(id: "unknown", label: .key(strings + "unknown", []), raw: acc.sexKeys.count)]
        case .age:
            return AgeGroup.allCases.map { FinalColumn(id: $0.id, label: .key(strings + "age.\($0.id)", []), raw: $0.rawValue) }
        case .point:
            var out: [FinalColumn] = []
            var used = Set<Int>()
            for p in acc.configuration.points.points {
                if let point = acc.point, p.id != point { continue }
                guard let i = ledger.sites.lookup(p.id) else { continue }
                out.append(FinalColumn(id: p.id, label: .text(p.names), raw: Int(i)))
                used.insert(Int(i))
            }
            for i in 0..<acc.nSites where !used.contains(i) && acc.rawHasData[i] {
                out.append(FinalColumn(id: ledger.sites[Int32(i)], label: .literal(ledger.sites[Int32(i)]), raw: i))
            }
            return out
        case .worker:
            var out: [FinalColumn] = []
            for i in 0..<acc.rawCount where acc.rawHasData[i] {
                let name = i < ledger.workers.count ? ledger.workers[Int32(i)] : acc.extraWorkers[i - ledger.workers.count]
                out.append(FinalColumn(id: name, label: .literal(name), raw: i))
            }
            return out.sorted { $0.id < $1.id }
        case .gender:
            return Gender.allCases.enumerated().map { FinalColumn(id: $1.rawValue, label: .key("profile.gender.\($1.rawValue)", []), raw: $0) }
                + [FinalColumn(id: "unknown", label: .key(strings + "unknown", []), raw: Gender.allCases.count)]
        case .substance:
            return SubstanceColumn.allCases.enumerated().map { i, s in
                let key = s == .several || s == .unknown ? strings + "substance.\(s.rawValue)" : "profile.substance.\(s.rawValue)"
                return FinalColumn(id: s.rawValue, label: .key(key, []), raw: i)
            }
        case .type:
            var out: [FinalColumn] = []
            var used = Set<Int>()
            for t in acc.configuration.catalogue.contactTypes {
                guard let i = ledger.contactTypes.lookup(t.id) else { continue }
                out.append(FinalColumn(id: t.id, label: .text(t.names), raw: Int(i)))
                used.insert(Int(i))
            }
            for i in 0..<acc.rawCount where !used.contains(i) && acc.rawHasData[i] {
                out.append(FinalColumn(id: ledger.contactTypes[Int32(i)], label: .literal(ledger.contactTypes[Int32(i)]), raw: i))
            }
            return out
        }
    }
}
