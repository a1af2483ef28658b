import SenimCore
import SenimTestSupport
import Testing
@testable import SenimStore

/// The store's id table (open addressing, both halves side by side, the all-zero id kept
/// apart) against `Set<EventID>`: random ids, ids that share a hash slot, repeats, the zero
/// id, and growth past several resizes.
@Suite struct EventIDSetTests {
    @Test(arguments: [1, 2, 3, 4])
    func agreesWithASetOfIDs(seed: UInt64) {
        var rng = SplitMix(seed: seed)
        var table = EventIDSet()
        var reference = Set<EventID>()
        var inserted: [EventID] = []
        for step in 0..<20_000 {
            let id: EventID
            switch rng.next() % 8 {
            case 0 where !inserted.isEmpty: id = inserted[Int(rng.next() % UInt64(inserted.count))]   // a repeat
            case 1: id = EventID(high: 0, low: 0)
            case 2: id = EventID(high: rng.next() % 4, low: 0)                                           // zero low half
            case 3: id = EventID(high: 0, low: rng.next() % 16)                                          // zero high half
            default: id = EventID(high: rng.next(), low: rng.next())
            }
            let added = table.insert(id), expected = reference.insert(id).inserted
            #expect(added == expected, "step \(step)")
            inserted.append(id)
            if step % 997 == 0 {
                let probe = EventID(high: rng.next(), low: rng.next())
                #expect(table.contains(probe) == reference.contains(probe))
            }
        }
        #expect(table.count == reference.count)
        for id in reference { #expect(table.contains(id)) }
        var listed: [EventID] = []
        table.forEach { listed.append($0) }
        #expect(listed.count == reference.count && Set(listed) == reference)
    }

    @Test func aPresizedTableHoldsItsCapacityAndMore() {
        var table = EventIDSet(capacity: 5_000)
        var added = 0
        for i in 0..<12_000 where table.insert(EventID(high: UInt64(i) << 40, low: UInt64(i) &* 0x9E37_79B9)) { added += 1 }
        #expect(added == 12_000 && table.count == 12_000)
        let again = table.insert(EventID(high: 7 << 40, low: 7 &* 0x9E37_79B9))
        #expect(!again && table.count == 12_000)
        #expect(!table.contains(EventID(high: 1, low: 1)))
    }
}
