@testable import SenimCore

/// The reference the ledger's one path (`LedgerLoader`, which `LedgerState.fold` and a store's
/// open both use) is tested against: the plainest possible fold, kept here in the tests only.
/// Sort by the canonical order (time, then id; ties keep arrival order), skip an event that
/// repeats the previous one's id, apply each event through `LedgerState.apply` — the apply
/// rules, one event at a time (corrections and voids filed first), without the loader's staging, batching, id caches, late
/// arrivals or refold — then bring the public views up to date.
enum ReferenceFold {
    static func fold(_ events: [Event], catalogue: Catalogue? = nil, points: Points? = nil) -> LedgerState {
        var s = LedgerState(catalogue: catalogue, points: points)
        let ordered = events.enumerated().sorted {
            Event.foldsBefore($0.element, $1.element) || (!Event.foldsBefore($1.element, $0.element) && $0.offset < $1.offset)
        }
        // Corrections and voids are known before the records they amend (see LedgerState.amendments).
        for (_, e) in ordered where e.body.amendTarget != nil { s.register(e) }
        var previous: EventID?
        for (_, e) in ordered {
            if e.id == previous { continue }
            previous = e.id
            s.apply(e)
        }
        s.settle()
        return s
    }
}

/// The lot rule in its plainest form, for receipts, contacts and write-offs in time order (no
/// voids): a receipt with a lot number or an expiry adds a lot (earliest expiry first, ties in
/// arrival order); anything taken comes out of the lots first-expiry-first-out; a write-off of
/// a chosen lot takes that lot's receipts first, then FEFO; an empty lot goes.
enum PlainLots {
    struct PlainLot { var lot: String?; var expires: DayNumber?; var remaining: Int64 }

    static func fold(_ events: [Event]) -> (levels: [String: Int64], lots: [String: [PlainLot]]) {
        var levels: [String: Int64] = [:]
        var lots: [String: [PlainLot]] = [:]
        func take(_ key: String, _ q: Int64, preferring name: String?) {
            levels[key, default: 0] -= q
            var left = q
            var list = lots[key] ?? []
            for pass in (name == nil ? 1 : 0)..<2 {
                for i in list.indices where left > 0 && (pass == 1 || list[i].lot == name) {
                    let t = min(left, list[i].remaining)
                    list[i].remaining -= t
                    left -= t
                }
            }
            lots[key] = list.filter { $0.remaining > 0 }
        }
        for e in events.sorted(by: Event.foldsBefore) {
            switch e.body {
            case .stockReceived(let r):
                let key = "\(e.site)/\(r.item)"
                levels[key, default: 0] += Int64(r.quantity)
                if r.lot != nil || r.expires != nil {
                    var list = lots[key] ?? []
                    let at = list.firstIndex { ($0.expires ?? .max) > (r.expires ?? .max) } ?? list.count
                    list.insert(PlainLot(lot: r.lot, expires: r.expires, remaining: Int64(r.quantity)), at: at)
                    lots[key] = list
                }
            case .contactLogged(let c):
                for l in c.items { take("\(e.site)/\(l.item)", Int64(l.quantity), preferring: nil) }
            case .stockWrittenOff(let w):
                take("\(e.site)/\(w.item)", Int64(w.quantity), preferring: w.lot)
            default:
                break
            }
        }
        return (levels, lots)
    }
}
