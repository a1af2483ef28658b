import SenimCore

/// A compact description of a set of events, used to decide what a peer still lacks.
///
/// Events fall into buckets by (the device that first wrote them, the week of `at`: UTC
/// seconds divided by 604,800, rounded down). Each bucket is summarised by its event count and
/// two 64-bit sums of a mixing function of the event ids (order-independent: the same set gives
/// the same digest whatever the order). Two stores whose bucket digests are equal hold the same
/// events in that bucket. Weeks keep the summary small (about 30 bytes per device per week, so
/// 20 devices over 5 years are about 160 KB) at the cost of re-sending a week's events of a
/// device when one of them is new.
public struct Holdings: Sendable, Equatable {
    /// Seconds per bucket period (one week).
    public static let period: Int64 = 7 * 86_400

    public struct Bucket: Hashable, Comparable, Sendable {
        public var device: DeviceID
        /// Weeks since 1970-01-01 (a Thursday), negative before.
        public var week: Int64
        public init(device: DeviceID, week: Int64) {
            self.device = device
            self.week = week
        }
        public init(_ e: Event) {
            device = e.device
            week = Self.week(of: e.at)
        }
        /// Floor division: weeks before 1970 are negative; never traps.
        public static func week(of t: Timestamp) -> Int64 {
            t >= 0 ? t / Holdings.period : (t + 1) / Holdings.period - 1
        }
        public static func < (a: Bucket, b: Bucket) -> Bool {
            a.device != b.device ? a.device < b.device : a.week < b.week
        }
    }

    public struct Digest: Hashable, Sendable {
        public var count: UInt64 = 0
        public var sumA: UInt64 = 0
        public var sumB: UInt64 = 0
        public init() {}
        public init(count: UInt64, sumA: UInt64, sumB: UInt64) {
            self.count = count
            self.sumA = sumA
            self.sumB = sumB
        }
        public mutating func add(_ id: EventID) {
            let (a, b) = Holdings.mix(id)
            count &+= 1
            sumA &+= a
            sumB &+= b
        }
    }

    public var buckets: [Bucket: Digest]

    public init(buckets: [Bucket: Digest] = [:]) { self.buckets = buckets }

    /// Summarises a set of events (ids repeated in `events` count once).
    public init<S: Sequence>(events: S) where S.Element == Event {
        var seen = Set<EventID>()
        buckets = [:]
        for e in events where seen.insert(e.id).inserted { add(e) }
    }

    /// Counts one event (the caller sees that each id is added once: `SyncStore.forEachEvent`).
    public mutating func add(_ e: Event) { add(e.id, in: Bucket(e)) }

    public mutating func add(_ id: EventID, in bucket: Bucket) {
        buckets[bucket, default: Digest()].add(id)
    }

    /// The Murmur3 64-bit finaliser: a bijection on UInt64 with good avalanche.
    @inline(__always) static func fmix(_ x: UInt64) -> UInt64 {
        var x = x
        x ^= x >> 33
        x &*= 0xff51_afd7_ed55_8ccd
        x ^= x >> 33
        x &*= 0xc4ce_b9fe_1a85_ec53
        x ^= x >> 33
        return x
    }

    /// Two 64-bit values from an event id (see docs/sync.md).
    @inline(__always) static func mix(_ id: EventID) -> (UInt64, UInt64) {
        let a = fmix(id.high ^ fmix(id.low ^ 0x9E37_79B9_7F4A_7C15))
        let b = fmix(id.low ^ fmix(id.high ^ 0xD1B5_4A32_D192_ED03))
        return (a, b)
    }

    // MARK: Encoding (inside bundles and in peer metadata)

    /// `count varint` then per bucket in (device, week) order: device fixed64, week zig-zag,
    /// count varint, sumA fixed64, sumB fixed64.
    func encode(into w: inout BinaryWriter) {
        w.varint(UInt64(buckets.count))
        for k in buckets.keys.sorted() {
            let d = buckets[k]!
            w.fixed64(k.device.rawValue)
            w.int(k.week)
            w.varint(d.count)
            w.fixed64(d.sumA)
            w.fixed64(d.sumB)
        }
    }

    static let maxBuckets = 10_000_000

    static func decode(from r: inout BinaryReader) throws(CodecError) -> Holdings {
        let n = try r.varint()
        // Each bucket takes at least 19 bytes: a count beyond that is a lie, refuse before allocating.
        guard n <= UInt64(maxBuckets), n <= UInt64(r.remaining / 19) else {
            throw .tooLarge(field: "buckets", size: Int(truncatingIfNeeded: n))
        }
        var b: [Bucket: Digest] = [:]
        b.reserveCapacity(Int(n))
        var previous: Bucket?
        for _ in 0..<Int(n) {
            let k = Bucket(device: DeviceID(try r.fixed64()), week: try r.int())
            if let p = previous, !(p < k) { throw .badTag(field: "bucket order", value: 0) }
            previous = k
            b[k] = Digest(count: try r.varint(), sumA: try r.fixed64(), sumB: try r.fixed64())
        }
        return Holdings(buckets: b)
    }
}
