import SenimCore

/// The ids of a store's events, for refusing repeats: an open-addressing table of the 16-byte
/// ids (a `Set<EventID>` of a million ids costs 0.4 s to fill and twice the memory).
/// Event ids are random (or random-tailed, `EventID.ordered`), so their low half is the hash.
/// Both halves of a slot lie side by side (one cache line per probe); the all-zero id marks an
/// empty slot, so it is kept apart (`hasZero`). At most 5/8 of the slots are used.
struct EventIDSet {
    private var slots: [UInt64]
    private var mask: Int
    private var hasZero = false
    private(set) var count = 0

    init(capacity: Int = 0) {
        var size = 1024
        while size * 5 < capacity * 8 { size <<= 1 }
        slots = [UInt64](repeating: 0, count: 2 * size)
        mask = size - 1
    }

    private var size: Int { mask + 1 }

    private func slot(_ id: EventID) -> (Int, Bool) {
        var i = Int(truncatingIfNeeded: ((id.low ^ (id.high &* 0x9E37_79B9_7F4A_7C15)) &* 0xBF58_476D_1CE4_E5B9) >> 32) & mask
        return slots.withUnsafeBufferPointer { s in
            while true {
                let h = s[2 * i], l = s[2 * i + 1]
                if h == id.high && l == id.low { return (i, true) }
                if h == 0 && l == 0 { return (i, false) }
                i = (i + 1) & mask
            }
        }
    }

    func contains(_ id: EventID) -> Bool {
        if id.high == 0 && id.low == 0 { return hasZero }
        return slot(id).1
    }

    /// Adds `id`; false if it was there already.
    @discardableResult
    mutating func insert(_ id: EventID) -> Bool {
        if id.high == 0 && id.low == 0 {
            if hasZero { return false }
            hasZero = true
            count += 1
            return true
        }
        let (i, found) = slot(id)
        if found { return false }
        slots[2 * i] = id.high
        slots[2 * i + 1] = id.low
        count += 1
        if count * 8 > size * 5 { grow() }
        return true
    }

    private mutating func grow() {
        let old = slots
        slots = [UInt64](repeating: 0, count: 2 * 2 * size)
        mask = 2 * (mask + 1) - 1
        count = hasZero ? 1 : 0
        for i in stride(from: 0, to: old.count, by: 2) where old[i] != 0 || old[i + 1] != 0 {
            insert(EventID(high: old[i], low: old[i + 1]))
        }
    }

    /// Every id, in table order (the zero id first, if present).
    func forEach(_ body: (EventID) -> Void) {
        if hasZero { body(EventID(high: 0, low: 0)) }
        for i in stride(from: 0, to: slots.count, by: 2) where slots[i] != 0 || slots[i + 1] != 0 {
            body(EventID(high: slots[i], low: slots[i + 1]))
        }
    }

    mutating func formUnion(_ ids: some Sequence<EventID>) { for id in ids { insert(id) } }
}
