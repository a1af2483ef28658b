/// Non-identifying facts about a client that change over time and matter for the programme's
/// figures (docs/indicators.md, "Client profile"). Recorded as `client-profile-set` events;
/// the ledger keeps every change with its time, and reports read the profile as it was at
/// each contact.

/// Main substances a client uses.
public enum Substance: String, CaseIterable, Hashable, Sendable {
    case opioids, stimulants, nps, other
}

/// The `--by substance` column of a profile: one substance, several, or none recorded.
/// Exclusive, so that contacts add up across the columns (docs/indicators.md).
public enum SubstanceColumn: String, CaseIterable, Hashable, Sendable {
    case opioids, stimulants, nps, other, several, unknown

    public init(_ substances: Set<Substance>?) {
        guard let substances, let first = substances.first else { self = .unknown; return }
        guard substances.count == 1 else { self = .several; return }
        self = SubstanceColumn(rawValue: first.rawValue)!
    }
}

/// Routes of use.
public enum Route: String, CaseIterable, Hashable, Sendable {
    case injecting, smoking, sniffing, oral
}

/// Whether the client is on opioid agonist therapy (methadone, buprenorphine).
public enum OATStatus: String, CaseIterable, Hashable, Sendable {
    case yes, no, unknown
}

/// Self-described gender, besides the sex digit of the code; used for disaggregation only.
public enum Gender: String, CaseIterable, Hashable, Sendable {
    case woman, man
    case transWoman = "trans-woman"
    case transMan = "trans-man"
    case nonBinary = "non-binary"
    case notDisclosed = "not-disclosed"
}

/// A change to a client's profile. A field that is nil is left as it was; an empty list
/// clears the substances or routes.
public struct ClientProfile: Hashable, Sendable {
    public var client: UIC
    public var substances: [Substance]?
    public var routes: [Route]?
    public var oat: OATStatus?
    public var gender: Gender?

    public init(client: UIC, substances: [Substance]? = nil, routes: [Route]? = nil, oat: OATStatus? = nil,
                gender: Gender? = nil) {
        self.client = client
        self.substances = substances
        self.routes = routes
        self.oat = oat
        self.gender = gender
    }

    /// Nothing would change.
    public var isEmpty: Bool { substances == nil && routes == nil && oat == nil && gender == nil }
}

/// A client's profile as folded up to some moment.
public struct ProfileState: Hashable, Sendable {
    public var substances: Set<Substance> = []
    public var routes: Set<Route> = []
    public var oat: OATStatus?
    public var gender: Gender?

    public init() {}

    /// A programme for people who inject assumes it unless told otherwise: with no route
    /// recorded, the client counts as injecting.
    public var injects: Bool { routes.isEmpty || routes.contains(.injecting) }

    public mutating func apply(_ p: ClientProfile) {
        if let s = p.substances { substances = Set(s) }
        if let r = p.routes { routes = Set(r) }
        if let o = p.oat { oat = o }
        if let g = p.gender { gender = g }
    }
}

/// One profile change as the ledger keeps it (fold order).
public struct ProfileChange: Hashable, Sendable {
    public var at: Timestamp
    public var id: EventID
    /// The profile after this change.
    public var state: ProfileState
}
