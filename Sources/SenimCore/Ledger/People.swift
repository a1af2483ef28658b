/// A person as the screens count them: a surviving code and every code merged into it.
public struct Person: Sendable, Hashable {
    /// The surviving code.
    public var uic: UIC
    /// Every code the person is known by: the surviving one first, then the merged ones sorted.
    public var codes: [UIC]
    public var firstSeen: Timestamp
    public var firstSite: Int32
    public var lastSeen: Timestamp
    /// Contacts under all of the codes.
    public var contacts: Int
}

extension LedgerState {
    /// Every person once: codes merged into another count with the code that survives, so
    /// contacts, first and last visit cover all of them. In client order of the survivors.
    public func people() -> [Person] {
        var at: [Int32: Int] = [:]
        var out: [Person] = []
        var merged: [(Int32, Int)] = []
        for (i, c) in clients.enumerated() where c.mergedInto == nil {
            at[Int32(i)] = out.count
            out.append(Person(uic: c.uic, codes: [c.uic], firstSeen: c.firstSeen, firstSite: c.firstSite,
                              lastSeen: c.lastSeen, contacts: Int(c.contacts)))
        }
        for (i, c) in clients.enumerated() where c.mergedInto != nil {
            guard let p = at[canonical(Int32(i))] else { continue }
            merged.append((Int32(i), p))
            out[p].contacts += Int(c.contacts)
            out[p].lastSeen = max(out[p].lastSeen, c.lastSeen)
            if c.firstSeen < out[p].firstSeen {
                out[p].firstSeen = c.firstSeen
                out[p].firstSite = c.firstSite
            }
        }
        for (i, p) in merged { out[p].codes.append(clients[Int(i)].uic) }
        for p in out.indices where out[p].codes.count > 2 {
            out[p].codes = [out[p].codes[0]] + out[p].codes.dropFirst().sorted()
        }
        return out
    }

    /// The person known by `uic` (any of their codes), or nil for an unknown code.
    public func person(_ uic: UIC) -> Person? {
        guard let i = clientIndex[uic] else { return nil }
        let root = canonical(i)
        let r = clients[Int(root)]
        var p = Person(uic: r.uic, codes: [r.uic], firstSeen: r.firstSeen, firstSite: r.firstSite, lastSeen: r.lastSeen,
                       contacts: Int(r.contacts))
        var others: [UIC] = []
        for (j, c) in clients.enumerated() where c.mergedInto != nil && canonical(Int32(j)) == root {
            others.append(c.uic)
            p.contacts += Int(c.contacts)
            p.lastSeen = max(p.lastSeen, c.lastSeen)
            if c.firstSeen < p.firstSeen {
                p.firstSeen = c.firstSeen
                p.firstSite = c.firstSite
            }
        }
        p.codes += others.sorted()
        return p
    }

    /// The surviving code of the person known by `uic` (`uic` itself if unknown or unmerged).
    public func survivor(_ uic: UIC) -> UIC {
        guard let i = clientIndex[uic] else { return uic }
        return clients[Int(canonical(i))].uic
    }
}
