extension RandomAccessCollection {
    /// The first index whose element satisfies `belongsInSecondPartition`, or `endIndex`: a
    /// lower-bound binary search, for a collection partitioned so that every element failing
    /// the predicate comes before every element satisfying it (a sorted array with
    /// `{ $0 >= key }`). O(log n). The one copy of the search the ledger, the reports and
    /// short ids use.
    @inlinable
    public func partitioningIndex(where belongsInSecondPartition: (Element) throws -> Bool) rethrows -> Index {
        var lo = startIndex
        var n = count
        while n > 0 {
            let half = n / 2
            let mid = index(lo, offsetBy: half)
            if try belongsInSecondPartition(self[mid]) {
                n = half
            } else {
                lo = index(after: mid)
                n -= half + 1
            }
        }
        return lo
    }
}
