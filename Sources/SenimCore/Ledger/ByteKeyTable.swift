/// An open-addressing hash table from short byte strings (UTF-8 ids, client codes) to small
/// integers. Used by the ledger to find an interned id straight from the bytes of an encoded
/// event, without creating a `String` or running SipHash.
///
/// Keys of up to 16 bytes live inside their slot (two words), so a lookup touches one cache
/// line; longer keys are compared against a side arena. Keys are compared byte for byte.
/// Callers use it as an accelerator in front of a `String`-keyed dictionary (which compares by
/// canonical equivalence): a byte-exact hit is always right, and a miss falls back to the
/// dictionary and then records the spelling here.
struct ByteKeyTable: Sendable {
    /// Keys of up to 8 bytes (client codes, most ids): 16-byte slots, four to a cache line.
    private var shorts: [ShortSlot]
    private var shortMask: Int
    private var shortCount = 0
    /// Longer keys.
    private var slots: [Slot]
    /// The bytes of keys longer than 16 bytes, back to back.
    private var arena: [UInt8] = []
    private var mask: Int
    private(set) var count = 0

    /// A key packed into two words: for up to 16 bytes this (with the length) is the key itself.
    struct Packed {
        var x: UInt64
        var y: UInt64
        var count: Int
    }

    private struct ShortSlot: Sendable {
        var x: UInt64 = 0
        /// 0 = empty; else length (16 bits) << 48 | hash tag (16 bits) << 32 | value + 1.
        var meta: UInt64 = 0
    }

    private struct Slot: Sendable {
        /// First word of the key.
        var x: UInt64 = 0
        /// Last word of a short key, or the arena offset of a long one.
        var y: UInt64 = 0
        /// 0 = empty; else length (16 bits) << 48 | hash tag (16 bits) << 32 | value + 1.
        var meta: UInt64 = 0
    }

    init(capacity: Int = 8) {
        var n = 16
        while n < capacity * 2 { n <<= 1 }
        slots = [Slot](repeating: Slot(), count: n)
        mask = n - 1
        shorts = [ShortSlot](repeating: ShortSlot(), count: n)
        shortMask = n - 1
    }

    /// Packs a key with two overlapping loads (no byte loops for 4 bytes or more).
    @inline(__always)
    static func pack(_ key: UnsafeRawBufferPointer) -> Packed {
        let n = key.count
        guard let p = key.baseAddress else { return Packed(x: 0, y: 0, count: 0) }
        if n >= 8 {
            return Packed(x: p.loadUnaligned(as: UInt64.self),
                          y: p.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self), count: n)
        }
        if n >= 4 {
            return Packed(x: UInt64(p.loadUnaligned(as: UInt32.self)),
                          y: UInt64(p.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)), count: n)
        }
        var x: UInt64 = 0
        for i in 0..<n { x |= UInt64(p.load(fromByteOffset: i, as: UInt8.self)) << UInt64(8 * i) }
        return Packed(x: x, y: 0, count: n)
    }

    /// Hash of a key: of its packed words for short keys, of every word for long ones.
    @inline(__always)
    static func hash(_ key: UnsafeRawBufferPointer, _ k: Packed) -> UInt64 {
        var h: UInt64
        if k.count <= 16 {
            h = (k.x &* 0x9E37_79B9_7F4A_7C15) ^ ((k.y ^ UInt64(truncatingIfNeeded: k.count)) &* 0xC4CE_B9FE_1A85_EC53)
        } else {
            h = UInt64(truncatingIfNeeded: k.count) &* 0xFF51_AFD7_ED55_8CCD
            var i = 0
            while i + 8 <= k.count {
                h = (h ^ key.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xC4CE_B9FE_1A85_EC53
                h ^= h >> 29
                i += 8
            }
            h = (h ^ k.y) &* 0x9E37_79B9_7F4A_7C15
        }
        h ^= h >> 32
        h = h &* 0xD6E8_FEB8_6659_FD93
        return h ^ (h >> 29)
    }

    @inline(__always)
    func find(_ key: UnsafeRawBufferPointer) -> Int32? {
        let k = Self.pack(key)
        return find(key, k, hash: Self.hash(key, k))
    }

    @inline(__always)
    func find(_ key: UnsafeRawBufferPointer, _ k: Packed, hash h: UInt64) -> Int32? {
        if k.count <= 8 { return findShort(k, hash: h) }
        return findLong(key, k, hash: h)
    }

    @inline(__always)
    private func findShort(_ k: Packed, hash h: UInt64) -> Int32? {
        // A key of 4…8 bytes is packed as two overlapping words; x and y together with the
        // length determine it, so fold y into x for the comparison word.
        let word = Self.shortWord(k)
        let want = Self.lengthField(k.count) << 48 | (h >> 48) << 32
        var i = Int(truncatingIfNeeded: h) & shortMask
        return shorts.withUnsafeBufferPointer { s in
            while true {
                let slot = s[i]
                if slot.meta == 0 { return nil }
                if slot.meta & 0xFFFF_FFFF_0000_0000 == want && slot.x == word {
                    return Int32(truncatingIfNeeded: slot.meta & 0xFFFF_FFFF) - 1
                }
                i = (i + 1) & shortMask
            }
        }
    }

    /// The first slot a short key would look at (read ahead of the lookups so that the
    /// cache misses of several keys overlap).
    struct Probe {
        var index: Int
        var x: UInt64
        var meta: UInt64
    }

    @inline(__always)
    func probe(_ k: Packed, hash h: UInt64) -> Probe {
        guard k.count <= 8 else { return Probe(index: -1, x: 0, meta: 0) }
        let i = Int(truncatingIfNeeded: h) & shortMask
        let s = shorts.withUnsafeBufferPointer { $0[i] }
        return Probe(index: i, x: s.x, meta: s.meta)
    }

    /// The key's bytes as one little-endian word (keys of at most 8 bytes).
    @inline(__always)
    static func shortWord(_ k: Packed) -> UInt64 {
        switch k.count {
        case 8: return k.x
        case 4...7: return k.x | (k.y << UInt64(8 * (k.count - 4)))   // y's bytes overlap x's tail
        default: return k.x
        }
    }

    @inline(__always)
    private func findLong(_ key: UnsafeRawBufferPointer, _ k: Packed, hash h: UInt64) -> Int32? {
        let want = Self.lengthField(k.count) << 48 | (h >> 48) << 32
        var i = Int(truncatingIfNeeded: h) & mask
        return slots.withUnsafeBufferPointer { s in
            while true {
                let slot = s[i]
                if slot.meta == 0 { return nil }
                if slot.meta & 0xFFFF_FFFF_0000_0000 == want && slot.x == k.x {
                    if k.count <= 16 {
                        if slot.y == k.y { return Int32(truncatingIfNeeded: slot.meta & 0xFFFF_FFFF) - 1 }
                    } else if longEqual(Int(slot.y), key) {
                        return Int32(truncatingIfNeeded: slot.meta & 0xFFFF_FFFF) - 1
                    }
                }
                i = (i + 1) & mask
            }
        }
    }

    /// Long keys sit in the arena behind their length (4 bytes, little-endian).
    private func longEqual(_ start: Int, _ key: UnsafeRawBufferPointer) -> Bool {
        arena.withUnsafeBytes { a in
            Int(UInt32(littleEndian: a.loadUnaligned(fromByteOffset: start, as: UInt32.self))) == key.count
                && memcmpBytes(a.baseAddress! + start + 4, key.baseAddress!, key.count)
        }
    }

    @inline(__always)
    private static func lengthField(_ n: Int) -> UInt64 { UInt64(min(n, 0xFFFF)) }

    /// Adds `key → value` (the caller has checked that `key` is absent).
    mutating func insert(_ key: UnsafeRawBufferPointer, value: Int32) {
        let k = Self.pack(key)
        insert(key, k, hash: Self.hash(key, k), value: value)
    }

    mutating func insert(_ key: UnsafeRawBufferPointer, _ k: Packed, hash h: UInt64, value: Int32) {
        count += 1
        if k.count <= 8 {
            if (shortCount + 1) * 4 > shorts.count * 3 { rehashShort(minimum: shorts.count * 2) }
            placeShort(ShortSlot(x: Self.shortWord(k),
                                 meta: Self.lengthField(k.count) << 48 | (h >> 48) << 32 | UInt64(UInt32(bitPattern: value) &+ 1)),
                       hash: h)
            shortCount += 1
            return
        }
        if (count - shortCount + 1) * 2 > slots.count { rehash(minimum: slots.count * 2) }
        var slot = Slot(x: k.x, y: k.y,
                        meta: Self.lengthField(k.count) << 48 | (h >> 48) << 32 | UInt64(UInt32(bitPattern: value) &+ 1))
        if k.count > 16 {
            slot.y = UInt64(arena.count)
            withUnsafeBytes(of: UInt32(k.count).littleEndian) { arena.append(contentsOf: $0) }
            arena.append(contentsOf: key)
        }
        place(slot, hash: h)
    }

    mutating func reserve(_ n: Int) {
        if n * 4 > shorts.count * 3 { rehashShort(minimum: n * 4 / 3 + 1) }
    }

    private mutating func placeShort(_ slot: ShortSlot, hash h: UInt64) {
        var i = Int(truncatingIfNeeded: h) & shortMask
        while shorts[i].meta != 0 { i = (i + 1) & shortMask }
        shorts[i] = slot
    }

    /// The word of a short key back as bytes (for rehashing).
    private static func unpackShort(_ word: UInt64, count n: Int) -> Packed {
        var w = word
        let key = withUnsafeBytes(of: &w) { raw in pack(UnsafeRawBufferPointer(rebasing: raw[0..<n])) }
        return key
    }

    private mutating func rehashShort(minimum: Int) {
        var n = shorts.count
        while n < minimum { n <<= 1 }
        let old = shorts
        shorts = [ShortSlot](repeating: ShortSlot(), count: n)
        shortMask = n - 1
        for s in old where s.meta != 0 {
            let k = Self.unpackShort(s.x, count: Int(s.meta >> 48))
            placeShort(s, hash: Self.hash(UnsafeRawBufferPointer(start: nil, count: 0), k))
        }
    }

    private mutating func place(_ slot: Slot, hash h: UInt64) {
        var i = Int(truncatingIfNeeded: h) & mask
        while slots[i].meta != 0 { i = (i + 1) & mask }
        slots[i] = slot
    }

    private mutating func rehash(minimum: Int) {
        var n = slots.count
        while n < minimum { n <<= 1 }
        let old = slots
        slots = [Slot](repeating: Slot(), count: n)
        mask = n - 1
        let ar = arena
        ar.withUnsafeBytes { a in
            for s in old where s.meta != 0 {
                let len = Int(s.meta >> 48)
                let h: UInt64
                if len <= 16 {
                    h = Self.hash(UnsafeRawBufferPointer(start: nil, count: 0), Packed(x: s.x, y: s.y, count: len))
                } else {
                    let full = Int(UInt32(littleEndian: a.loadUnaligned(fromByteOffset: Int(s.y), as: UInt32.self)))
                    let key = UnsafeRawBufferPointer(rebasing: a[Int(s.y) + 4..<Int(s.y) + 4 + full])
                    h = Self.hash(key, Self.pack(key))
                }
                place(s, hash: h)
            }
        }
    }
}

/// Byte equality of two regions (ids are short; word compares, then bytes).
@inline(__always)
func memcmpBytes(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ n: Int) -> Bool {
    var i = 0
    while i + 8 <= n {
        if a.loadUnaligned(fromByteOffset: i, as: UInt64.self) != b.loadUnaligned(fromByteOffset: i, as: UInt64.self) {
            return false
        }
        i += 8
    }
    while i < n {
        if a.load(fromByteOffset: i, as: UInt8.self) != b.load(fromByteOffset: i, as: UInt8.self) { return false }
        i += 1
    }
    return true
}
