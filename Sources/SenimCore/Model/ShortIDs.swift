/// Short forms of event ids for people: the shortest prefix of the 32 hex digits, at least 8
/// long, that no other id in the store shares. Ids made within about a minute share their
/// first 8 digits (the high word starts with the time), so a fixed 8 is not enough.
public struct ShortIDs: Sendable {
    public static let minimum = 8
    /// Printed when a record is made: ids made within the same quarter second are the only
    /// ones that can share 10 digits, so the printed form stays unique as the store grows.
    public static let minimumWhenMade = 10
    private let sorted: [EventID]

    /// For printing many ids: sorts the store's ids once.
    public init<S: Sequence>(_ ids: S) where S.Element == EventID {
        sorted = ids.sorted()
    }

    public func short(_ id: EventID) -> String {
        let lo = sorted.partitioningIndex { $0 >= id }
        var shared = 0
        var i = lo - 1
        while i >= 0, sorted[i] == id { i -= 1 }
        if i >= 0 { shared = max(shared, Self.sharedDigits(sorted[i], id)) }
        var j = lo
        while j < sorted.count, sorted[j] == id { j += 1 }
        if j < sorted.count { shared = max(shared, Self.sharedDigits(sorted[j], id)) }
        return Self.prefix(id, shared)
    }

    /// For one id: a single pass over the store's ids, no sorting.
    public static func short<S: Sequence>(_ id: EventID, among ids: S, minimum: Int = minimum) -> String where S.Element == EventID {
        var shared = minimum - 1
        for other in ids where other != id { shared = max(shared, sharedDigits(other, id)) }
        return prefix(id, shared)
    }

    /// How many leading hex digits two ids have in common (32 when equal).
    public static func sharedDigits(_ a: EventID, _ b: EventID) -> Int {
        if a.high != b.high { return (a.high ^ b.high).leadingZeroBitCount / 4 }
        if a.low != b.low { return 16 + (a.low ^ b.low).leadingZeroBitCount / 4 }
        return 32
    }

    private static func prefix(_ id: EventID, _ shared: Int) -> String {
        String(id.description.prefix(min(32, max(minimum, shared + 1))))
    }
}
