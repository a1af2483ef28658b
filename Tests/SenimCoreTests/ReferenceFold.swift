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
