/// The canonical fold order: time first, then event id. Events from different devices merge
/// into one deterministic sequence whatever order they arrived in; every record that keeps an
/// event's time and id (contacts, transfers, profile changes, referral changes) sorts the same
/// way. The one copy of the rule.
public struct FoldKey: Comparable, Hashable, Sendable {
    public var at: Timestamp
    public var id: EventID
    @inlinable public init(at: Timestamp, id: EventID) {
        self.at = at
        self.id = id
    }
    @inlinable public static func < (a: FoldKey, b: FoldKey) -> Bool {
        a.at != b.at ? a.at < b.at : a.id < b.id
    }
}

/// Anything stamped with an event's time and id.
public protocol FoldOrdered {
    var at: Timestamp { get }
    var id: EventID { get }
}

extension FoldOrdered {
    @inlinable public var foldKey: FoldKey { FoldKey(at: at, id: id) }
    /// True if `self` folds before `other`.
    @inlinable public func foldsBefore(_ other: some FoldOrdered) -> Bool { foldKey < other.foldKey }
}

extension Event: FoldOrdered {}
extension ContactRecord: FoldOrdered {}
extension TransferRecord: FoldOrdered {}
extension ProfileChange: FoldOrdered {}
extension ReferralChange: FoldOrdered {}
