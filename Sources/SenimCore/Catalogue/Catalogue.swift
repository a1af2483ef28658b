import Foundation

/// What can be handed out, referred to and recorded (`Config/catalogue.json`).
public struct Catalogue: Sendable, Hashable {
    public enum Category: String, CaseIterable, Sendable, Codable, Hashable {
        case injecting
        case smoking
        case sexualHealth = "sexual-health"
        case overdose
        case woundCare = "wound-care"
        case information
        /// Self-tests, pregnancy tests, vitamins: health goods for any route of use.
        case health
    }

    public struct Item: Sendable, Hashable, Codable {
        public var id: String
        public var names: LocalizedText
        public var unit: LocalizedText
        public var category: Category
        /// Counts towards "needles/syringes distributed" (UNAIDS, WHO PRV.8/PRV.10).
        public var needleOrSyringe: Bool?
        /// Below this many at a site, the item shows as low stock.
        public var lowStock: Int?
        /// More than this in one contact is unusual: the TUI asks, the CLI wants `--confirm-large`.
        public var usualMaximum: Int?
        public var isNeedleOrSyringe: Bool { needleOrSyringe ?? false }
    }

    public struct Pack: Sendable, Hashable, Codable {
        public var id: String
        /// The single key that picks this pack on the new-contact screen.
        public var key: String
        public var names: LocalizedText
        public var items: [String: Int]
        /// Items in catalogue order (stable for display and for events).
        public var sortedItems: [ItemQuantity] = []
        enum CodingKeys: String, CodingKey { case id, key, names, items }
    }

    public struct Entry: Sendable, Hashable, Codable {
        public var id: String
        public var names: LocalizedText
        /// A service that is a rapid test (HIV, HCV): a contact may record its result, and a
        /// reactive one proposes a referral to the same service for a confirmatory test.
        public var rapidTest: Bool?
        public var isRapidTest: Bool { rapidTest ?? false }
        public init(id: String, names: LocalizedText, rapidTest: Bool? = nil) {
            self.id = id
            self.names = names
            self.rapidTest = rapidTest
        }
    }

    public struct OverdoseOutcome: Sendable, Hashable, Codable {
        public var id: String
        public var names: LocalizedText
        /// A reported overdose reversal (SHaRP #13).
        public var reversal: Bool?
        public var isReversal: Bool { reversal ?? false }
    }

    public struct Limits: Sendable, Hashable, Codable {
        /// More than this of one item in one contact is refused as absurd.
        public var maxQuantityPerContact: Int
        /// More than this in one stock movement is refused as absurd.
        public var maxQuantityPerMovement: Int
        /// Days during which workers and psychologists may correct or void their own records
        /// (coordinators: always). Absent: 7.
        public var correctionWindowDays: Int?
        public var correctionWindow: Int { correctionWindowDays ?? 7 }
    }

    public var items: [Item]
    public var packs: [Pack]
    public var services: [Entry]
    public var contactTypes: [Entry]
    public var overdoseOutcomes: [OverdoseOutcome]
    public var limits: Limits

    private var itemIndex: [String: Int] = [:]
    private var serviceIndex: [String: Int] = [:]

    public func item(_ id: String) -> Item? { itemIndex[id].map { items[$0] } }
    /// Position of an item in the catalogue (dense, for arrays indexed by item).
    public func itemPosition(_ id: String) -> Int? { itemIndex[id] }
    public func service(_ id: String) -> Entry? { serviceIndex[id].map { services[$0] } }
    public func servicePosition(_ id: String) -> Int? { serviceIndex[id] }
    public func pack(_ id: String) -> Pack? { packs.first { $0.id == id } }
    public func packForKey(_ key: String) -> Pack? { packs.first { $0.key == key } }
    public func contactType(_ id: String) -> Entry? { contactTypes.first { $0.id == id } }
    public func overdoseOutcome(_ id: String) -> OverdoseOutcome? { overdoseOutcomes.first { $0.id == id } }

    public static func load(json: Data, file: String = "catalogue.json") throws -> Catalogue {
        struct Raw: Codable {
            var version: Int?
            var items: [Item]?
            var packs: [Pack]?
            var services: [Entry]?
            var contactTypes: [Entry]?
            var overdoseOutcomes: [OverdoseOutcome]?
            var limits: Limits?
        }
        let raw: Raw
        do { raw = try JSONDecoder().decode(Raw.self, from: json) } catch {
            throw ConfigError(file: file, field: "(document)", problem: ConfigDecoding.describe(error))
        }
        func need<T>(_ v: [T]?, _ field: String) throws -> [T] {
            guard let v, !v.isEmpty else { throw ConfigError(file: file, field: field, problem: "missing or empty") }
            return v
        }
        var c = Catalogue(
            items: try need(raw.items, "items"),
            packs: raw.packs ?? [],
            services: try need(raw.services, "services"),
            contactTypes: try need(raw.contactTypes, "contactTypes"),
            overdoseOutcomes: try need(raw.overdoseOutcomes, "overdoseOutcomes"),
            limits: raw.limits ?? Limits(maxQuantityPerContact: 10_000, maxQuantityPerMovement: 1_000_000))
        try c.validate(file: file)
        return c
    }

    public init(items: [Item], packs: [Pack], services: [Entry], contactTypes: [Entry],
                overdoseOutcomes: [OverdoseOutcome], limits: Limits) {
        self.items = items
        self.packs = packs
        self.services = services
        self.contactTypes = contactTypes
        self.overdoseOutcomes = overdoseOutcomes
        self.limits = limits
    }

    /// Ids are short kebab-case words users type on the command line.
    public static func isValidID(_ id: String) -> Bool {
        guard !id.isEmpty, id.count <= 32, id.first!.isLetter, id.last != "-" else { return false }
        return id.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }

    private mutating func validate(file: String) throws {
        func checkIDs(_ ids: [String], _ field: String) throws -> [String: Int] {
            var index: [String: Int] = [:]
            for (i, id) in ids.enumerated() {
                guard Self.isValidID(id) else {
                    throw ConfigError(file: file, field: "\(field)[\(i)].id", problem: "'\(id)' is not a short kebab-case id (a-z, 0-9, -)")
                }
                guard index.updateValue(i, forKey: id) == nil else {
                    throw ConfigError(file: file, field: "\(field)[\(i)].id", problem: "'\(id)' appears twice")
                }
            }
            return index
        }
        func checkNames(_ t: LocalizedText, _ field: String) throws {
            for l in Language.allCases where t[l].trimmingCharacters(in: .whitespaces).isEmpty {
                throw ConfigError(file: file, field: "\(field).\(l.rawValue)", problem: "empty name")
            }
        }
        itemIndex = try checkIDs(items.map(\.id), "items")
        serviceIndex = try checkIDs(services.map(\.id), "services")
        _ = try checkIDs(packs.map(\.id), "packs")
        _ = try checkIDs(contactTypes.map(\.id), "contactTypes")
        _ = try checkIDs(overdoseOutcomes.map(\.id), "overdoseOutcomes")
        for (i, it) in items.enumerated() {
            try checkNames(it.names, "items[\(i)].names")
            try checkNames(it.unit, "items[\(i)].unit")
            if let l = it.lowStock, l < 0 {
                throw ConfigError(file: file, field: "items[\(i)].lowStock", problem: "must not be negative")
            }
            if let u = it.usualMaximum, u < 1 || u > limits.maxQuantityPerContact {
                throw ConfigError(file: file, field: "items[\(i)].usualMaximum",
                                  problem: "must be between 1 and limits.maxQuantityPerContact (\(limits.maxQuantityPerContact))")
            }
        }
        for (i, s) in services.enumerated() { try checkNames(s.names, "services[\(i)].names") }
        for (i, s) in contactTypes.enumerated() { try checkNames(s.names, "contactTypes[\(i)].names") }
        for (i, s) in overdoseOutcomes.enumerated() { try checkNames(s.names, "overdoseOutcomes[\(i)].names") }
        guard limits.maxQuantityPerContact > 0, limits.maxQuantityPerMovement > 0 else {
            throw ConfigError(file: file, field: "limits", problem: "limits must be positive")
        }
        if let w = limits.correctionWindowDays, !(0...366).contains(w) {
            throw ConfigError(file: file, field: "limits.correctionWindowDays", problem: "must be 0…366 days")
        }
        var keys = Set<String>()
        for (i, p) in packs.enumerated() {
            try checkNames(p.names, "packs[\(i)].names")
            guard p.key.count == 1, keys.insert(p.key).inserted else {
                throw ConfigError(file: file, field: "packs[\(i)].key", problem: "each pack needs its own single key")
            }
            guard !p.items.isEmpty else {
                throw ConfigError(file: file, field: "packs[\(i)].items", problem: "a pack needs at least one item")
            }
            for (item, q) in p.items {
                guard itemIndex[item] != nil else {
                    throw ConfigError(file: file, field: "packs[\(i)].items.\(item)", problem: "no item with this id")
                }
                guard q > 0, q <= limits.maxQuantityPerContact else {
                    throw ConfigError(file: file, field: "packs[\(i)].items.\(item)", problem: "quantity must be 1…\(limits.maxQuantityPerContact)")
                }
            }
            packs[i].sortedItems = p.items.map { ItemQuantity(item: $0.key, quantity: Int32($0.value)) }
                .sorted { itemIndex[$0.item]! < itemIndex[$1.item]! }
        }
    }
}
