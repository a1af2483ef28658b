/// One immutable, authored fact. Everything Senim knows is a sequence of these;
/// the ledger state is what they fold into.
public struct Event: Hashable, Sendable, Identifiable {
    public var id: EventID
    /// When it happened (seconds since 1970 UTC), as the author's clock said.
    public var at: Timestamp
    /// The user name of the author.
    public var author: String
    /// The store the event was first written in.
    public var device: DeviceID
    /// The trust point (site) id the event belongs to.
    public var site: String
    public var body: EventBody

    public init(id: EventID, at: Timestamp, author: String, device: DeviceID, site: String, body: EventBody) {
        self.id = id
        self.at = at
        self.author = author
        self.device = device
        self.site = site
        self.body = body
    }

    /// The canonical fold order (`FoldKey`: time first, then event id).
    @inlinable
    public static func foldsBefore(_ a: Event, _ b: Event) -> Bool { a.foldKey < b.foldKey }
}

public enum EventBody: Hashable, Sendable {
    case clientRegistered(UIC)
    case contactLogged(Contact)
    case stockReceived(StockReceipt)
    /// Sent from `Event.site` to another site. The transfer's id is the event id.
    case stockTransferred(StockTransfer)
    /// The destination confirms the arrival of a transfer (links to the sending event).
    case stockTransferReceived(TransferReceipt)
    case stockWrittenOff(StockWriteOff)
    /// A stocktake: the counted quantity; the ledger turns the difference into an adjustment.
    case stockCounted(StockCount)
    /// The referral's id is the event id.
    case referralIssued(ReferralIssue)
    case referralUpdated(ReferralUpdate)
    /// A confidential note, already sealed under the psychologists' notes key by the store.
    case referralNoteAdded(ConfidentialNote)
    /// `from` is the same person as `into`; `into` survives.
    case clientsMerged(from: UIC, into: UIC)
    case userAdded(name: String, role: Role)
    case userRemoved(name: String)
    /// The trust point a user works at (their default site and contact type); the latest wins.
    case userPointSet(name: String, point: String)
    /// Replaces the content of an earlier contact (the target); the latest correction in fold
    /// order wins, and the contact keeps its original time, site and author.
    case contactCorrected(ContactCorrection)
    /// Cancels an earlier contact, stock movement or referral status change (the target).
    case recordVoided(VoidRecord)
    /// Undoes the merge of this code into another one.
    case clientUnmerged(UIC)
    /// Substances, routes, OAT status or gender of a client changed (docs/indicators.md).
    case clientProfileSet(ClientProfile)
    /// A rights violation (anonymous; optionally linked to a code).
    case incidentRecorded(Incident)
    /// An information session or training with its number of participants.
    case activityRecorded(GroupActivity)

    /// A short stable name per kind (used in listings, docs and tests).
    public var kindName: String {
        switch self {
        case .clientRegistered: "client-registered"
        case .contactLogged: "contact-logged"
        case .stockReceived: "stock-received"
        case .stockTransferred: "stock-transferred"
        case .stockTransferReceived: "stock-transfer-received"
        case .stockWrittenOff: "stock-written-off"
        case .stockCounted: "stock-counted"
        case .referralIssued: "referral-issued"
        case .referralUpdated: "referral-updated"
        case .referralNoteAdded: "referral-note-added"
        case .clientsMerged: "clients-merged"
        case .userAdded: "user-added"
        case .userRemoved: "user-removed"
        case .userPointSet: "user-point-set"
        case .contactCorrected: "contact-corrected"
        case .recordVoided: "record-voided"
        case .clientUnmerged: "client-unmerged"
        case .clientProfileSet: "client-profile-set"
        case .incidentRecorded: "incident-recorded"
        case .activityRecorded: "activity-recorded"
        }
    }
}

public struct ItemQuantity: Hashable, Sendable {
    public var item: String
    public var quantity: Int32
    public init(item: String, quantity: Int32) {
        self.item = item
        self.quantity = quantity
    }
}

/// One anonymous client contact.
public struct Contact: Hashable, Sendable {
    public var client: UIC
    /// Contact type id from the catalogue (stationary, mobile, street, drop-in).
    public var type: String
    public var items: [ItemQuantity]
    public var services: [String]
    /// Overdose outcome id if an overdose was witnessed or reported at this contact.
    public var overdose: String?
    public var note: String?
    /// The standard packs the worker picked (for reports of pack use); items already include them.
    public var packs: [String]
    /// Overdose kind, who came, rapid test results (empty for most contacts).
    public var detail: ContactDetail

    public init(client: UIC, type: String, items: [ItemQuantity] = [], services: [String] = [],
                overdose: String? = nil, note: String? = nil, packs: [String] = [], detail: ContactDetail = ContactDetail()) {
        self.client = client
        self.type = type
        self.items = items
        self.services = services
        self.overdose = overdose
        self.note = note
        self.packs = packs
        self.detail = detail
    }
}

public struct StockReceipt: Hashable, Sendable {
    public var item: String
    public var quantity: Int32
    public var lot: String?
    public var expires: DayNumber?
    public init(item: String, quantity: Int32, lot: String? = nil, expires: DayNumber? = nil) {
        self.item = item
        self.quantity = quantity
        self.lot = lot
        self.expires = expires
    }
}

public struct StockTransfer: Hashable, Sendable {
    public var item: String
    public var quantity: Int32
    public var to: String
    public init(item: String, quantity: Int32, to: String) {
        self.item = item
        self.quantity = quantity
        self.to = to
    }
}

public struct TransferReceipt: Hashable, Sendable {
    public var transfer: EventID
    public var item: String
    public var quantity: Int32
    public var from: String
    public init(transfer: EventID, item: String, quantity: Int32, from: String) {
        self.transfer = transfer
        self.item = item
        self.quantity = quantity
        self.from = from
    }
}

public enum WriteOffReason: String, CaseIterable, Hashable, Sendable {
    case expired, damaged, lost, seized, other
}

public struct StockWriteOff: Hashable, Sendable {
    public var item: String
    public var quantity: Int32
    public var reason: WriteOffReason
    /// The lot number written off; nil: first-expiry-first-out, as every write-off before lots
    /// could be chosen.
    public var lot: String?
    public init(item: String, quantity: Int32, reason: WriteOffReason, lot: String? = nil) {
        self.item = item
        self.quantity = quantity
        self.reason = reason
        self.lot = lot
    }
}

public struct StockCount: Hashable, Sendable {
    public var item: String
    public var counted: Int32
    public init(item: String, counted: Int32) {
        self.item = item
        self.counted = counted
    }
}

public enum ReferralStatus: String, CaseIterable, Hashable, Sendable {
    case issued, accompanied, attended, declined, lost

    /// Closed referrals leave the follow-up queue.
    public var isClosed: Bool { self == .attended || self == .declined || self == .lost }
}

public struct ReferralIssue: Hashable, Sendable {
    public var client: UIC
    public var service: String
    public var due: DayNumber?
    public var note: String?
    public init(client: UIC, service: String, due: DayNumber? = nil, note: String? = nil) {
        self.client = client
        self.service = service
        self.due = due
        self.note = note
    }
}

public struct ReferralUpdate: Hashable, Sendable {
    public var referral: EventID
    public var status: ReferralStatus
    public var note: String?
    /// The latest change to this referral the author had seen (the issue event itself if none).
    /// Two updates based on the same change were made concurrently: a conflict.
    public var basedOn: EventID?
    public init(referral: EventID, status: ReferralStatus, note: String? = nil, basedOn: EventID? = nil) {
        self.referral = referral
        self.status = status
        self.note = note
        self.basedOn = basedOn
    }
}

/// Ciphertext only: the core never sees the plaintext of a confidential note.
public struct ConfidentialNote: Hashable, Sendable {
    public var referral: EventID
    public var sealed: [UInt8]
    public init(referral: EventID, sealed: [UInt8]) {
        self.referral = referral
        self.sealed = sealed
    }
}

extension Event {
    /// Every free-text field the event carries (notes, lot numbers, user names), for the privacy guard.
    /// Sealed confidential notes are ciphertext and were checked before sealing.
    public var freeTexts: [String] {
        switch body {
        case .contactLogged(let c): c.note.map { [$0] } ?? []
        case .stockReceived(let r): r.lot.map { [$0] } ?? []
        case .stockWrittenOff(let w): w.lot.map { [$0] } ?? []
        case .referralIssued(let r): r.note.map { [$0] } ?? []
        case .referralUpdated(let u): u.note.map { [$0] } ?? []
        case .contactCorrected(let c): [c.contact.note, c.note].compactMap { $0 }
        case .recordVoided(let v): v.note.map { [$0] } ?? []
        case .incidentRecorded(let i): i.note.map { [$0] } ?? []
        case .userAdded(let name, _), .userRemoved(let name), .userPointSet(let name, _): [name]
        default: []
        }
    }
}

/// Why a record was corrected or voided (the reason every correction carries).
public enum AmendReason: String, CaseIterable, Hashable, Sendable {
    case mistake
    case duplicate
    case wrongClient = "wrong-client"
    case test
    case other
}

/// The whole corrected content of a contact: a correction replaces every field, so the
/// latest one alone says what the contact now is.
public struct ContactCorrection: Hashable, Sendable {
    public var target: EventID
    public var contact: Contact
    public var reason: AmendReason
    public var note: String?
    public init(target: EventID, contact: Contact, reason: AmendReason = .mistake, note: String? = nil) {
        self.target = target
        self.contact = contact
        self.reason = reason
        self.note = note
    }
}

public struct VoidRecord: Hashable, Sendable {
    public var target: EventID
    public var reason: AmendReason
    public var note: String?
    public init(target: EventID, reason: AmendReason, note: String? = nil) {
        self.target = target
        self.reason = reason
        self.note = note
    }
}

extension EventBody {
    /// The record a correction or void is about (nil for every other kind).
    public var amendTarget: EventID? {
        switch self {
        case .contactCorrected(let c): c.target
        case .recordVoided(let v): v.target
        default: nil
        }
    }

    /// Kinds a void may cancel: contacts, stock movements (not transfer confirmations) and
    /// referral status changes.
    public var isVoidable: Bool {
        switch self {
        case .contactLogged, .stockReceived, .stockTransferred, .stockWrittenOff, .stockCounted, .referralUpdated: true
        default: false
        }
    }
}
