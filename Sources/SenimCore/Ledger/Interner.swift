/// Maps ids (sites, items, workers…) to dense small integers so the ledger can keep
/// compact records. Unknown ids are added on first sight: an event naming an item that a
/// later catalogue dropped still folds.
public struct Interner: Sendable, Hashable {
    public private(set) var names: [String] = []
    private var index: [String: Int32] = [:]

    public init(_ initial: [String] = []) {
        for n in initial { _ = intern(n) }
    }

    public mutating func intern(_ name: String) -> Int32 {
        if let i = index[name] { return i }
        let i = Int32(names.count)
        names.append(name)
        index[name] = i
        return i
    }

    public func lookup(_ name: String) -> Int32? { index[name] }
    public subscript(_ i: Int32) -> String { names[Int(i)] }
    public var count: Int { names.count }
}
