/// A 128-bit event identifier, random per event. Totally ordered so that folding can
/// break ties between events that carry the same timestamp.
public struct EventID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var high: UInt64
    public var low: UInt64

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// A fresh identifier from the given generator (the system RNG unless a test passes one).
    public static func random<G: RandomNumberGenerator>(using generator: inout G) -> EventID {
        EventID(high: generator.next(), low: generator.next())
    }

    /// An id that sorts after `previous` when both are made in the same second: the high word
    /// is the time in milliseconds (shifted, with 16 random bits below), the low word random.
    /// Events a device writes within one second therefore fold in the order they were made
    /// (a write-off right after a delivery never folds before it), while ids stay unique.
    public static func ordered<G: RandomNumberGenerator>(milliseconds: UInt64, after previous: EventID?,
                                                         using generator: inout G) -> EventID {
        var high = (milliseconds << 16) | (generator.next() & 0xFFFF)
        if let previous, high <= previous.high {
            high = previous.high &+ 1
        }
        return EventID(high: high, low: generator.next())
    }

    public static func random() -> EventID {
        var g = SystemRandomNumberGenerator()
        return random(using: &g)
    }

    public static func < (a: EventID, b: EventID) -> Bool {
        a.high != b.high ? a.high < b.high : a.low < b.low
    }

    /// 32 lowercase hex digits.
    public var description: String { hex(high) + hex(low) }

    /// The short form shown to users (first 8 hex digits); unique enough to pick a referral.
    public var short: String { String(description.prefix(8)) }

    public init?(_ text: String) {
        guard text.count == 32, let h = UInt64(text.prefix(16), radix: 16),
              let l = UInt64(text.suffix(16), radix: 16) else { return nil }
        self.init(high: h, low: l)
    }

    private func hex(_ v: UInt64) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }
}

/// Identifies the store (laptop) an event was written on.
public struct DeviceID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var rawValue: UInt64
    public init(_ rawValue: UInt64) { self.rawValue = rawValue }
    public static func < (a: DeviceID, b: DeviceID) -> Bool { a.rawValue < b.rawValue }
    public var description: String {
        let s = String(rawValue, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }
}

/// Seconds since 1970-01-01 UTC. The core never reads the clock: callers pass the time in.
public typealias Timestamp = Int64

/// A calendar day as days since 1970-01-01 (used for due dates and expiry dates).
public typealias DayNumber = Int32
