/// The synthetic generator's own pseudo-random numbers: xoshiro256** seeded through SplitMix64.
///
/// Same seed, same sequence, on every machine and Swift version (unlike
/// `SystemRandomNumberGenerator`, and unlike the standard library's `random(in:using:)`
/// helpers, whose algorithms are not promised to stay the same). All the helpers below are
/// defined here in terms of `next()`.
public struct SyntheticRandom: RandomNumberGenerator, Sendable {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64

    public init(seed: UInt64) {
        var x = seed
        func splitMix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitMix()
        s1 = splitMix()
        s2 = splitMix()
        s3 = splitMix()
    }

    @inline(__always)
    private static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    public mutating func next() -> UInt64 {
        let result = Self.rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = Self.rotl(s3, 45)
        return result
    }

    /// A uniform double in [0, 1).
    @inline(__always)
    public mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// A uniform integer in `0..<n` (n > 0), by multiply-high (Lemire, without the rejection
    /// step: the bias is below 2^-40 for the ranges used here).
    @inline(__always)
    public mutating func below(_ n: Int) -> Int {
        precondition(n > 0)
        return Int(next().multipliedFullWidth(by: UInt64(n)).high)
    }

    /// A uniform integer in a closed range.
    @inline(__always)
    public mutating func int(_ r: ClosedRange<Int>) -> Int { r.lowerBound + below(r.upperBound - r.lowerBound + 1) }

    @inline(__always)
    public mutating func chance(_ p: Double) -> Bool { unit() < p }

    public mutating func pick<T>(_ a: [T]) -> T { a[below(a.count)] }

    /// An index drawn with probability proportional to `weights[i]` (non-empty, positive sum).
    public mutating func weighted(_ weights: [Double]) -> Int {
        var total = 0.0
        for w in weights { total += w }
        var r = unit() * total
        for (i, w) in weights.enumerated() {
            if r < w { return i }
            r -= w
        }
        return weights.count - 1
    }

    /// An index into cumulative weights `cumulative[0..<count]` (non-decreasing, last > 0).
    public mutating func cumulative(_ cumulative: [Double], count: Int) -> Int {
        let r = unit() * cumulative[count - 1]
        // The first weight above r (the last one when rounding puts r at the very top).
        return min(cumulative[0..<count].partitioningIndex { $0 > r }, count - 1)
    }

    /// A fresh event id. `low` is never 0, so `Validator.derived(id)` (low − 1) sorts just
    /// before it at the same time.
    public mutating func eventID() -> EventID {
        EventID(high: next(), low: next() | 1)
    }
}
