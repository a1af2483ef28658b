import SenimCore

/// Temporary stand-in for SenimCore/Synthetic while it lands: contact-heavy, time-ordered events.
enum TempData {
    struct Rng { var s: UInt64
        mutating func next() -> UInt64 {
            s &+= 0x9E3779B97F4A7C15
            var z = s
            z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
            z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    }

    static func events(contacts n: Int, catalogue: Catalogue, seed: UInt64 = 1) -> [Event] {
        var g = Rng(s: seed)
        let letters = Array("ABCDEFGHIKLMNOPRSTUVZ")
        let nClients = max(50, n / 20)
        var codes: [UIC] = []
        var seen = Set<String>()
        while codes.count < nClients {
            var s = ""
            for _ in 0..<4 { s.append(letters[g.below(letters.count)]) }
            s += "\(1 + g.below(2))\(String(60 + g.below(45)).suffix(2))"
            if seen.insert(s).inserted { codes.append(UIC(normalised: s)) }
        }
        let sites = ["almaty-central", "almaty-mobile", "temirtau"]
        let authors = ["aigerim", "dana", "yerlan", "olga", "marat"]
        let packs = catalogue.packs
        var known = [Bool](repeating: false, count: nClients)
        var out: [Event] = []
        out.reserveCapacity(n + nClients)
        var at: Timestamp = 1_450_000_000
        for i in 0..<n {
            at += Timestamp(1 + g.below(600))
            if i % 2000 == 0 {
                for site in sites {
                    for item in catalogue.items {
                        at += 1
                        out.append(Event(id: EventID(high: g.next(), low: g.next()), at: at, author: "coordinator",
                                         device: DeviceID(1), site: site,
                                         body: .stockReceived(StockReceipt(item: item.id, quantity: 20_000))))
                    }
                }
                at += 1
            }
            let ci = g.below(nClients)
            let site = sites[g.below(3)]
            let author = authors[g.below(authors.count)]
            let id = EventID(high: g.next(), low: g.next())
            if !known[ci] {
                known[ci] = true
                out.append(Event(id: Validator.derived(id), at: at, author: author, device: DeviceID(1), site: site,
                                 body: .clientRegistered(codes[ci])))
            }
            let p = packs[g.below(packs.count)]
            var lines = p.sortedItems
            if g.below(4) == 0 { lines.append(ItemQuantity(item: "leaflet", quantity: 1)) }
            let services = g.below(10) == 0 ? ["hiv-test"] : []
            let note: String? = g.below(50) == 0 ? "Пришёл с другом, просил ещё воды" : nil
            out.append(Event(id: id, at: at, author: author, device: DeviceID(1), site: site,
                             body: .contactLogged(Contact(client: codes[ci], type: "stationary", items: lines,
                                                          services: services, overdose: nil, note: note, packs: [p.id]))))
            _ = i
        }
        return out
    }
}
