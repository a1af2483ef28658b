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
    /// The contact has details in `LedgerState.contactDetails` (fits in the record's padding).
    public var hasDetail: Bool = false
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
    /// Cancelled by a void: kept in the history, counts for nothing.
    public var voided: Bool = false
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

/// One correction or void of a record.
public struct Amendment: Sendable, Hashable {
    public var id: EventID
    public var at: Timestamp
    public var author: String
    public var site: String
    public var reason: AmendReason
    public var note: String?
    /// The corrected content of a contact; nil for a void.
    public var correction: Contact?
    public var isVoid: Bool { correction == nil }
}

/// A record's corrections and voids, beside the record as first written.
public struct AmendmentHistory: Sendable, Hashable {
    public var target: EventID
    /// The record as first written (nil while its corrections wait for it to arrive).
    public var original: Event?
    /// Corrections and voids in fold order (time, then event id).
    public var changes: [Amendment]
    /// A void anywhere cancels the record, whatever corrections came before or after it.
    public var voided: Bool { changes.contains { $0.isVoid } }
    /// The latest correction in fold order: what the record now says (nil if never corrected).
    public var latest: Contact? { changes.last(where: { !$0.isVoid })?.correction }
}

/// A record as a correction or void sees it: who wrote it, when, where, what it is now.
public struct AmendTarget: Sendable, Hashable {
    public var id: EventID
    public var at: Timestamp
    public var author: String
    public var site: String
    /// The record's event kind (`EventBody.kindName`).
    public var kind: String
    /// The action its author needed (the policy lets non-coordinators amend only what they may write).
    public var action: Action
    public var voidable: Bool
    public var voided: Bool
    /// For a contact: what it says now (after its latest correction).
    public var contact: Contact?

    public init(id: EventID, at: Timestamp, author: String, site: String, kind: String, action: Action,
                voidable: Bool, voided: Bool, contact: Contact?) {
        self.id = id
        self.at = at
        self.author = author
        self.site = site
        self.kind = kind
        self.action = action
        self.voidable = voidable
        self.voided = voided
        self.contact = contact
    }

    public init(_ e: Event, voided: Bool, contact: Contact?) {
        self.init(id: e.id, at: e.at, author: e.author, site: e.site, kind: e.body.kindName,
                  action: Policy.action(for: e.body), voidable: e.body.isVoidable, voided: voided, contact: contact)
    }
}
