/// Compact records the ledger keeps. Indices refer to the ledger's interners.
public struct ClientRecord: Sendable, Hashable {
    public var uic: UIC
    public var firstSeen: Timestamp
    public var firstSite: Int32
    public var lastSeen: Timestamp
    public var contacts: Int32
    /// Set when this code was merged into another one (index of the surviving client).
    public var mergedInto: Int32?
}

public struct ContactRecord: Sendable, Hashable {
    public var id: EventID
    public var at: Timestamp
    public var client: Int32
    public var site: Int32
    public var worker: Int32
    public var type: Int32
    /// Index into the overdose outcomes interner, or -1.
    public var overdose: Int32
    /// Range into `LedgerState.contactItems`.
    public var itemsStart: Int32
    public var itemsCount: Int32
    /// Range into `LedgerState.contactServices`.
    public var servicesStart: Int32
    public var servicesCount: Int32
}

public struct ItemLine: Sendable, Hashable {
    public var item: Int32
    public var quantity: Int32
}

public enum MovementKind: String, Sendable, Hashable, CaseIterable {
    case received, distributed, transferOut, transferIn, writtenOff, adjusted
}

/// A stock movement other than a contact's distribution (contacts are in `contacts`).
public struct StockMovement: Sendable, Hashable {
    public var id: EventID
    public var at: Timestamp
    public var site: Int32
    public var item: Int32
    public var kind: MovementKind
    /// Signed change of the site's level.
    public var delta: Int64
    public var reason: WriteOffReason?
    public var author: Int32
}

public struct Lot: Sendable, Hashable {
    public var lot: String?
    public var expires: DayNumber?
    public var remaining: Int64
}

public struct StockLevel: Sendable, Hashable {
    public var level: Int64 = 0
    /// Lots with an expiry date or a lot number, earliest expiry first; consumption draws
    /// from them first-expiry-first-out.
    public var lots: [Lot] = []
    /// Times the level was taken below zero by what physically happened.
    public var discrepancies: Int = 0
    public var shortfall: Int64 = 0
    public var lastDiscrepancyAt: Timestamp?
}

public struct Discrepancy: Sendable, Hashable {
    public var event: EventID
    public var at: Timestamp
    public var site: Int32
    public var item: Int32
    /// How far below zero the level went.
    public var shortfall: Int64
}

public struct TransferRecord: Sendable, Hashable {
    public var id: EventID
    public var at: Timestamp
    public var from: Int32
    public var to: Int32
    public var item: Int32
    public var quantity: Int64
    public var receivedAt: Timestamp?
    public var inTransit: Bool { receivedAt == nil }
}

public struct ReferralChange: Sendable, Hashable {
    public var id: EventID
    public var at: Timestamp
    public var author: String
    public var site: String
    public var status: ReferralStatus
    public var note: String?
    public var basedOn: EventID?
}

public struct ReferralRecord: Sendable, Hashable {
    public var id: EventID
    public var client: UIC
    public var service: String
    public var site: String
    public var issuedAt: Timestamp
    public var issuedBy: String
    public var due: DayNumber?
    public var note: String?
    public var status: ReferralStatus
    public var statusAt: Timestamp
    /// Every change, in fold order (both sides of a conflict stay here).
    public var history: [ReferralChange]
    /// Two changes were made without knowing of each other (see docs/sync.md for the rule).
    public var conflict: Bool
    /// Sealed confidential notes; only a psychologist's store session can open them.
    public var confidentialNotes: [ConfidentialNote]
    public var confidentialNoteTimes: [Timestamp]
}
