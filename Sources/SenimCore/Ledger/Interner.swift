/// Maps ids (sites, items, workers…) to dense small integers so the ledger can keep
/// compact records. Unknown ids are added on first sight: an event naming an item that a
/// later catalogue dropped still folds.
///
/// Two interners are equal when they hold the same names in the same order.
public struct Interner: Sendable, Hashable {
    public private(set) var names: [String] = []
    private var index: [String: Int32] = [:]
    /// Exact UTF-8 spellings seen so far → index (an accelerator in front of `index`, which
    /// compares by canonical equivalence).
    private var bytes = ByteKeyTable()

    public init(_ initial: [String] = []) {
        for n in initial { _ = intern(n) }
    }

    public mutating func intern(_ name: String) -> Int32 {
        let original = name
        var name = name
        return name.withUTF8 { intern(utf8: UnsafeRawBufferPointer($0), string: original) }
    }

    /// Interns a name given as bytes the caller has checked are valid UTF-8.
    @inline(__always)
    mutating func intern(utf8 key: UnsafeRawBufferPointer) -> Int32 {
        intern(utf8: key, string: nil)
    }

    private mutating func intern(utf8 key: UnsafeRawBufferPointer, string: String?) -> Int32 {
        let k = ByteKeyTable.pack(key)
        let h = ByteKeyTable.hash(key, k)
        if let i = bytes.find(key, k, hash: h) { return i }
        let name = string ?? String(decoding: key, as: UTF8.self)
        let i: Int32
        if let known = index[name] {
            i = known
        } else {
            i = Int32(names.count)
            names.append(name)
            index[name] = i
        }
        bytes.insert(key, k, hash: h, value: i)
        return i
    }

    /// The index of a name given as bytes, if interned (byte-exact spellings seen before, then
    /// canonical equivalence).
    func lookup(utf8 key: UnsafeRawBufferPointer) -> Int32? {
        if let i = bytes.find(key) { return i }
        return index[String(decoding: key, as: UTF8.self)]
    }

    public func lookup(_ name: String) -> Int32? { index[name] }
    public subscript(_ i: Int32) -> String { names[Int(i)] }
    public var count: Int { names.count }

    public static func == (a: Interner, b: Interner) -> Bool { a.names == b.names }
    public func hash(into h: inout Hasher) { h.combine(names) }
}
