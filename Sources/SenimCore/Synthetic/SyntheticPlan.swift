import Foundation

/// What to generate: who, where, when and how much. The generator is pure: the same plan
/// (with the same configuration) always gives the same events.
public struct SyntheticPlan: Sendable {
    /// A staff member events can be authored by. Stock corrections are authored by the first
    /// coordinator, confidential notes by the first psychologist, contacts by workers of the
    /// contact's site (anyone at the site if it has no worker).
    public struct Staff: Sendable, Hashable {
        public var name: String
        public var role: Role
        public var site: String
        public init(name: String, role: Role, site: String) {
            self.name = name
            self.role = role
            self.site = site
        }
    }

    public var seed: UInt64
    /// Any moment of the first day; days are calendar days in `timeZone`.
    public var start: Timestamp
    public var days: Int
    /// Exactly this many contacts are generated (spread over working days, none on Sundays).
    public var contacts: Int
    /// Exactly this many distinct client codes (a few are typo twins of others, some of which
    /// a coordinator later merges). Clients who never come in are never registered.
    public var clients: Int
    /// Trust point ids to use (each must be in the configuration's points); empty: all points.
    public var sites: [String]
    public var staff: [Staff]
    public var device: DeviceID
    /// Monthly deliveries, transfers with receipts, write-offs, stocktakes.
    public var stock: Bool
    /// Referrals with status updates (and confidential notes when a sealer is given).
    public var referrals: Bool
    public var timeZone: TimeZone

    public init(seed: UInt64, start: Timestamp, days: Int, contacts: Int, clients: Int, sites: [String] = [],
                staff: [Staff], device: DeviceID, stock: Bool = true, referrals: Bool = true,
                timeZone: TimeZone = SyntheticPlan.almaty) {
        self.seed = seed
        self.start = start
        self.days = days
        self.contacts = contacts
        self.clients = clients
        self.sites = sites
        self.staff = staff
        self.device = device
        self.stock = stock
        self.referrals = referrals
        self.timeZone = timeZone
    }

    /// Asia/Almaty (UTC+6 until March 2024, UTC+5 since); a fixed UTC+5 if tzdata is missing.
    public static let almaty: TimeZone = TimeZone(identifier: "Asia/Almaty") ?? TimeZone(secondsFromGMT: 5 * 3600)!

    /// A sensible number of clients for a number of contacts (about twenty contacts each,
    /// at least fifty clients).
    public static func defaultClients(forContacts n: Int) -> Int { max(50, n / 20) }
}

/// What was generated, by event kind (`EventBody.kindName`).
public struct SyntheticSummary: Sendable, Equatable {
    public var events = 0
    public var counts: [String: Int] = [:]
    public var first: Timestamp?
    public var last: Timestamp?

    public init() {}

    public subscript(_ kind: String) -> Int { counts[kind] ?? 0 }
    public var contacts: Int { self["contact-logged"] }
    public var registeredClients: Int { self["client-registered"] }
}
