import SenimCore

/// The ids of a store's events, for refusing repeats: an open-addressing table of the 16-byte
/// ids (a `Set<EventID>` of a million ids costs 0.4 s to fill and twice the memory).
/// Event ids are random (or random-tailed, `EventID.ordered`), so their low half is the hash.
struct EventIDSet {
    private var high: [UInt64]
    private var low: [UInt64]
    private var used: [Bool]
    private var mask: Int
    private(set) var count = 0

    init(capacity: Int = 0) {
        var size = 1024
        while size < capacity * 2 { size <<= 1 }
        high = [UInt64](repeating: 0, count: size)
        low = [UInt64](repeating: 0, count: size)
        used = [Bool](repeating: false, count: size)
        mask = size - 1
    }

    private func slot(_ id: EventID) -> (Int, Bool) {
        var i = Int(truncatingIfNeeded: ((id.low ^ (id.high &* 0x9E37_79B9_7F4A_7C15)) &* 0xBF58_476D_1CE4_E5B9) >> 32) & mask
        while used[i] {
            if low[i] == id.low && high[i] == id.high { return (i, true) }
            i = (i + 1) & mask
        }
        return (i, false)
    }

    func contains(_ id: EventID) -> Bool { slot(id).1 }

    /// Adds `id`; false if it was there already.
    @discardableResult
    mutating func insert(_ id: EventID) -> Bool {
        let (i, found) = slot(id)
        if found { return false }
        high[i] = id.high
        low[i] = id.low
        used[i] = true
        count += 1
        if count * 2 > high.count { grow() }
        return true
    }

    private mutating func grow() {
        let old = (high, low, used)
        let size = high.count * 2
        high = [UInt64](repeating: 0, count: size)
        low = [UInt64](repeating: 0, count: size)
        used = [Bool](repeating: false, count: size)
        mask = size - 1
        count = 0
        for i in 0..<old.0.count where old.2[i] { insert(EventID(high: old.0[i], low: old.1[i])) }
    }

    /// Every id, in table order.
    func forEach(_ body: (EventID) -> Void) {
        for i in 0..<used.count where used[i] { body(EventID(high: high[i], low: low[i])) }
    }

    mutating func formUnion(_ ids: some Sequence<EventID>) { for id in ids { insert(id) } }
}
