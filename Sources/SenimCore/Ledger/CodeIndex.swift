/// The sorted client-code index behind `LedgerState.clients(withPrefix:)`.
///
/// `codeOrder` holds client indices sorted by the UTF-8 bytes of their codes (for the ASCII
/// codes Senim writes that is the order of `UIC`), `codeKeys` the first eight bytes of each
/// code as a big-endian number so a prefix becomes a range found by binary search. Clients
/// added after the last rebuild (at most `codeTailLimit`) are scanned linearly.
extension LedgerState {
    static let codeTailLimit = 1024

    /// The first eight bytes of `bytes`, big-endian, zero padded.
    @inline(__always)
    static func key8<C: Collection>(_ bytes: C) -> UInt64 where C.Element == UInt8 {
        var k: UInt64 = 0
        var n = 0
        for b in bytes {
            if n == 8 { break }
            k = k << 8 | UInt64(b)
            n += 1
        }
        return n == 0 ? 0 : k << (8 * UInt64(8 - n))
    }

    private static func bytesLess(_ a: String, _ b: String) -> Bool {
        a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    /// Sorts client indices by (key, full bytes).
    private func sortedByCode(_ indices: [Int32]) -> [(key: UInt64, client: Int32)] {
        var pairs = indices.map { (key: Self.key8(clients[Int($0)].uic.code.utf8), client: $0) }
        pairs.sort { a, b in
            if a.key != b.key { return a.key < b.key }
            let x = clients[Int(a.client)].uic.code, y = clients[Int(b.client)].uic.code
            if x.utf8.elementsEqual(y.utf8) { return a.client < b.client }
            return Self.bytesLess(x, y)
        }
        return pairs
    }

    mutating func rebuildCodeIndex() {
        let pairs = sortedByCode((0..<Int32(clients.count)).map { $0 })
        codeKeys = pairs.map(\.key)
        codeOrder = pairs.map(\.client)
    }

    /// Merges the clients added since the last rebuild into the index (linear time).
    mutating func mergeCodeTail() {
        let tail = sortedByCode((Int32(codeOrder.count)..<Int32(clients.count)).map { $0 })
        var keys: [UInt64] = []
        var order: [Int32] = []
        keys.reserveCapacity(clients.count)
        order.reserveCapacity(clients.count)
        var i = 0, j = 0
        while i < codeOrder.count || j < tail.count {
            let takeOld: Bool
            if j == tail.count { takeOld = true } else if i == codeOrder.count { takeOld = false } else if codeKeys[i] != tail[j].key {
                takeOld = codeKeys[i] < tail[j].key
            } else {
                takeOld = !Self.bytesLess(clients[Int(tail[j].client)].uic.code, clients[Int(codeOrder[i])].uic.code)
            }
            if takeOld {
                keys.append(codeKeys[i]); order.append(codeOrder[i]); i += 1
            } else {
                keys.append(tail[j].key); order.append(tail[j].client); j += 1
            }
        }
        codeKeys = keys
        codeOrder = order
    }

    func searchCodes(prefix: String, limit: Int) -> [UIC] {
        let p = Array(prefix.utf8)
        guard p.allSatisfy({ $0 < 0x80 }) else {
            // Canonical equivalence makes byte ranges unsafe for non-ASCII prefixes: scan.
            var out: [UIC] = []
            for c in clients where c.mergedInto == nil && c.uic.code.hasPrefix(prefix) { out.append(c.uic) }
            out.sort()
            return Array(out.prefix(limit))
        }
        let n = min(8, p.count)
        let lo = Self.key8(p.prefix(n))
        let hi = n == 0 ? UInt64.max : lo | (n == 8 ? 0 : UInt64.max >> UInt64(8 * n))
        var out: [UIC] = []
        var exhaustive = false
        codeKeys.withUnsafeBufferPointer { keys in
            var a = 0, b = keys.count
            while a < b { let m = (a + b) / 2; if keys[m] < lo { a = m + 1 } else { b = m } }
            var pos = a
            while pos < keys.count && keys[pos] <= hi {
                let c = clients[Int(codeOrder[pos])]
                pos += 1
                guard c.mergedInto == nil else { continue }
                let code = c.uic.code
                // A code with a non-ASCII byte may order differently as a String: collect all.
                if !exhaustive && !code.utf8.allSatisfy({ $0 < 0x80 }) { exhaustive = true }
                if (n == p.count || code.utf8.starts(with: p)) && code.hasPrefix(prefix) {
                    out.append(c.uic)
                    if out.count >= limit && !exhaustive { break }
                }
            }
        }
        for i in codeOrder.count..<clients.count {
            let c = clients[i]
            if c.mergedInto == nil && c.uic.code.utf8.starts(with: p) && c.uic.code.hasPrefix(prefix) { out.append(c.uic) }
        }
        out.sort()
        return out.count > limit ? Array(out.prefix(limit)) : out
    }
}
