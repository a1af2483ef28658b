/// The ids a store's data uses that the configuration in use does not define: after an item,
/// service or trust point was removed from (or renamed in) `Config/`, such events still fold
/// (see `Interner`), but screens and reports can no longer name or count them. `senim` warns
/// when this is not empty (docs/cli.md, "Configuration").
public struct ConfigurationCoverage: Sendable, Equatable {
    public var items: [String] = []
    public var services: [String] = []
    public var points: [String] = []
    public var contactTypes: [String] = []
    public var overdoseOutcomes: [String] = []

    public var isComplete: Bool {
        items.isEmpty && services.isEmpty && points.isEmpty && contactTypes.isEmpty && overdoseOutcomes.isEmpty
    }

    public init(items: [String] = [], services: [String] = [], points: [String] = [],
                contactTypes: [String] = [], overdoseOutcomes: [String] = []) {
        self.items = items
        self.services = services
        self.points = points
        self.contactTypes = contactTypes
        self.overdoseOutcomes = overdoseOutcomes
    }

    /// Compares what `ledger` has seen (its interners, which start with the catalogue's ids and
    /// add every id an event names, plus referral services and sites) with `configuration`.
    public init(ledger: LedgerState, configuration: Configuration) {
        let c = configuration.catalogue
        func missing(_ used: some Sequence<String>, _ defined: [String]) -> [String] {
            let known = Set(defined)
            return Set(used.filter { !known.contains($0) }).sorted()
        }
        let referrals = ledger.referralList
        items = missing(ledger.items.names, c.items.map(\.id))
        services = missing(ledger.services.names + referrals.map(\.service), c.services.map(\.id))
        points = missing(ledger.sites.names + referrals.map(\.site), configuration.points.points.map(\.id))
        contactTypes = missing(ledger.contactTypes.names, c.contactTypes.map(\.id))
        overdoseOutcomes = missing(ledger.outcomes.names, c.overdoseOutcomes.map(\.id))
    }

    /// One message per kind of id that is missing (config.missing.*), ids listed.
    public var messages: [Message] {
        let limit = 10
        func list(_ ids: [String]) -> String {
            ids.count <= limit ? ids.joined(separator: ", ")
                : ids.prefix(limit).joined(separator: ", ") + " (+\(ids.count - limit))"
        }
        var out: [Message] = []
        if !items.isEmpty { out.append(Message("config.missing.items", list(items))) }
        if !services.isEmpty { out.append(Message("config.missing.services", list(services))) }
        if !points.isEmpty { out.append(Message("config.missing.points", list(points))) }
        if !contactTypes.isEmpty { out.append(Message("config.missing.contactTypes", list(contactTypes))) }
        if !overdoseOutcomes.isEmpty { out.append(Message("config.missing.outcomes", list(overdoseOutcomes))) }
        return out
    }
}
