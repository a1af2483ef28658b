import Foundation
import SenimCore

// Added for `senim dev seed` (the CLI's synthetic data): a million historical events arrive
// in batches that all fold before the store's own first event, so `importEvents` would refold
// the whole store after every batch. These two calls append batches durably and fold once.

extension Session {
    /// Appends events whose ids are new, durably (one journal frame per call, one fsync), like
    /// `importEvents` and with the same round-trip check, but does NOT fold them: `ledger`
    /// is stale until `finishBulkImport()` (or until the store is opened again: a caller that
    /// closes the session right after need not fold). No policy check (the caller checks the role).
    /// Returns how many were new.
    public func bulkImport(_ events: [Event]) throws -> Int {
        try requireWritable()
        var records: [Record] = []
        records.reserveCapacity(events.count)
        var fresh: [EventID] = []
        var seen = Set<EventID>()
        for e in events where !ids.contains(e.id) && seen.insert(e.id).inserted {
            let b = EventCodec.encode(e)
            guard let back = try? EventCodec.decode(b), back == e, b.count <= Record.maxEvent else {
                throw StoreError.invalid(Message("store.save.undecodable", e.id.description))
            }
            records.append(.event(b))
            fresh.append(e.id)
        }
        guard !records.isEmpty else { return 0 }
        try append(records)
        ids.formUnion(fresh)
        return fresh.count
    }

    /// Folds everything once after `bulkImport` calls.
    public func finishBulkImport() throws {
        try requireWritable()
        try refold()
    }
}
