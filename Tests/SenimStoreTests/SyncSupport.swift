import Crypto
import Foundation
import SenimCore
import SenimTestSupport
@testable import SenimStore

/// The repository's Config/ (tests run against what ships).
enum SyncFixtures {
    static let configDirectory: URL = RepositoryConfig.directory

    static let configuration: Configuration = try! ConfigFiles.load(from: configDirectory)
}


/// An in-memory store with the semantics the encrypted store promises: set union by id,
/// one write per import, ledger refolded. Can be told to fail writes.
final class MemorySyncStore: SyncStore {
    private(set) var stored: [EventID: Event] = [:]
    private(set) var ledger: LedgerState
    private(set) var local: [String: [UInt8]] = [:]
    var role: Role
    var point: String
    let configuration: Configuration
    var failImports = false
    var failLocalWrites = false
    private(set) var importCalls = 0

    struct Failure: Error, CustomStringConvertible { var description: String { "disk full (simulated)" } }

    init(point: String, role: Role = .coordinator, events: [Event] = [],
         configuration: Configuration = SyncFixtures.configuration) {
        self.point = point
        self.role = role
        self.configuration = configuration
        for e in events where stored[e.id] == nil { stored[e.id] = e }
        ledger = LedgerState.fold(Array(stored.values), catalogue: configuration.catalogue, points: configuration.points)
    }

    func events() throws -> [Event] { Array(stored.values) }

    func hasEvent(_ id: EventID) -> Bool { stored[id] != nil }

    /// Users this store knows to exist on other stores without holding their `userAdded`
    /// events (worlds made of bare contacts): what the import's author check reads besides the
    /// store's own `userAdded` events.
    var registrations: [Event] = []

    func userEvents() throws -> [Event] {
        registrations + stored.values.filter { if case .userAdded = $0.body { true } else { false } }
    }

    func importEvents(_ events: [Event]) throws -> (new: Int, known: Int) {
        importCalls += 1
        if failImports { throw Failure() }
        var new = 0
        var next = stored
        for e in events {
            if next[e.id] == nil { next[e.id] = e; new += 1 }
        }
        stored = next
        if new > 0 {
            ledger = LedgerState.fold(Array(stored.values), catalogue: configuration.catalogue, points: configuration.points)
        }
        return (new, events.count - new)
    }

    /// Adds locally written events (as the store does when a user saves something).
    func append(_ events: [Event]) {
        for e in events { stored[e.id] = e }
        ledger = LedgerState.fold(Array(stored.values), catalogue: configuration.catalogue, points: configuration.points)
    }

    func localValue(_ key: String) -> [UInt8]? { local[key] }

    func setLocalValue(_ key: String, _ value: [UInt8]?) throws {
        if failLocalWrites { throw Failure() }
        local[key] = value
    }

    /// Everything observable: events, ledger and local values.
    var snapshot: Snapshot { Snapshot(events: Set(stored.values), ledger: LedgerDigest.of(ledger), local: local) }

    struct Snapshot: Equatable, CustomStringConvertible {
        var events: Set<Event>
        var ledger: String
        var local: [String: [UInt8]]
        var description: String {
            "\(events.count) events, ledger \(ledger.prefix(12)), local " + local.keys.sorted().map { k in
                "\(k):\(local[k]!.count)B/\(String(local[k]!.reduce(UInt32(2166136261)) { ($0 ^ UInt32($1)) &* 16777619 }, radix: 16))"
            }.joined(separator: " ")
        }
    }
}

/// A canonical digest of a ledger: every record, with interned indices replaced by names and
/// dictionaries sorted, hashed with SHA-256. Equal digests mean equal observable state.
enum LedgerDigest {
    static func of(_ l: LedgerState) -> String {
        var h = SHA256()
        func put(_ s: String) { h.update(data: Array(s.utf8) + [10]) }
        for line in lines(l) { put(line) }
        return h.finalize().map { String(format: "%02x", $0) }.joined()
    }

    static func lines(_ l: LedgerState) -> [String] {
        var out: [String] = []
        func site(_ i: Int32) -> String { l.sites[i] }
        func item(_ i: Int32) -> String { l.items[i] }
        out.append("events \(l.eventCount)")
        for c in l.clients.sorted(by: { $0.uic < $1.uic }) {
            let into = c.mergedInto.map { l.clients[Int($0)].uic.code } ?? "-"
            out.append("client \(c.uic) \(c.firstSeen) \(site(c.firstSite)) \(c.lastSeen) \(c.contacts) \(into)")
        }
        for (n, c) in l.contacts.enumerated() {
            let items = l.lines(of: c).map { "\(item($0.item))=\($0.quantity)" }.joined(separator: ",")
            let services = l.services(of: c).map { l.services[$0] }.joined(separator: ",")
            let od = c.overdose >= 0 ? l.outcomes[c.overdose] : "-"
            out.append("contact \(c.id) \(c.at) \(l.clients[Int(c.client)].uic) \(site(c.site)) \(l.workers[c.worker]) "
                + "\(l.contactTypes[c.type]) \(od) [\(items)] [\(services)] \(l.contactNotes[Int32(n)] ?? "-")")
        }
        let stock = l.stock.map { (k, v) in
            "stock \(site(k.site)) \(item(k.item)) \(v.level) \(v.discrepancies) \(v.shortfall) \(v.lastDiscrepancyAt.map(String.init) ?? "-") "
                + v.lots.map { "\($0.lot ?? "-")/\($0.expires.map(String.init) ?? "-")/\($0.remaining)" }.joined(separator: ",")
        }
        out += stock.sorted()
        for m in l.movements {
            out.append("move \(m.id) \(m.at) \(site(m.site)) \(item(m.item)) \(m.kind) \(m.delta) \(m.reason?.rawValue ?? "-") \(l.workers[m.author])")
        }
        for d in l.discrepancies { out.append("short \(d.event) \(d.at) \(site(d.site)) \(item(d.item)) \(d.shortfall)") }
        for t in l.transfers.values.sorted(by: { $0.id < $1.id }) {
            out.append("transfer \(t.id) \(t.at) \(site(t.from)) \(site(t.to)) \(item(t.item)) \(t.quantity) \(t.receivedAt.map(String.init) ?? "in-transit")")
        }
        for r in l.referralList {
            let hist = r.history.map { "\($0.id)@\($0.at):\($0.status.rawValue):\($0.basedOn.map(\.description) ?? "-"):\($0.site)" }
            out.append("referral \(r.id) \(r.client) \(r.service) \(r.site) \(r.issuedAt) \(r.issuedBy) \(r.status.rawValue) \(r.statusAt) "
                + "conflict=\(r.conflict) notes=\(r.confidentialNotes.count) [\(hist.joined(separator: ","))]")
        }
        for (name, role) in l.users.sorted(by: { $0.key < $1.key }) { out.append("user \(name) \(role.rawValue)") }
        for (target, h) in l.amendments.sorted(by: { $0.key < $1.key }) {
            out.append("amend \(target) \(h.original?.id.description ?? "waiting") voided=\(h.voided) "
                + h.changes.map { "\($0.id)@\($0.at):\($0.reason.rawValue)" }.joined(separator: ","))
        }
        return out
    }
}

/// Random but referentially sensible event sets covering every event kind.
enum SyncWorld {
    static let sites = ["almaty-central", "almaty-mobile", "temirtau"]
    static let items = ["syringe-2ml", "needle", "alcohol-wipe", "naloxone", "condom"]
    static let services = ["hiv-test", "hcv-test", "oat", "legal-aid"]

    static func uic<G: RandomNumberGenerator>(_ g: inout G) -> UIC {
        let letters = Array("ABEIKLMNOSTU")
        var s = ""
        for _ in 0..<4 { s.append(letters[Int(g.next() % UInt64(letters.count))]) }
        s.append(g.next() % 2 == 0 ? "1" : "2")
        s += String(format: "%02d", 70 + Int(g.next() % 30))
        return UIC(normalised: s)
    }

    /// About `count` events over ~60 days, from three devices. Some share a timestamp.
    static func generate(seed: UInt64, count: Int) -> [Event] {
        var g = SplitMix(seed: seed)
        var out: [Event] = []
        let devices = [DeviceID(0xA1), DeviceID(0xB2), DeviceID(0xC3)]
        let authors = ["aigerim", "dana", "yerlan", "coord"]
        var clients: [UIC] = []
        var transfers: [(EventID, String, String, Int32, String)] = []
        var referrals: [(id: EventID, chain: [EventID])] = []
        let t0: Timestamp = 1_780_000_000
        // Import checks each event's author against the role the authoring store recorded
        // (docs/sync.md): every author is added on every device, and coordinator-only kinds
        // are written by the coordinator.
        func next(_ body: EventBody, site: String? = nil, device: Int? = nil) -> Event {
            let d = device ?? Int(g.next() % 3)
            let at = t0 + Timestamp(g.next() % 5_000) * 1_000 + (g.next() % 4 == 0 ? 0 : Timestamp(g.next() % 1_000))
            var author = authors[Int(g.next() % 4)]
            let action = Policy.action(for: body)
            if !Policy.allows(.worker, action) { author = Policy.allows(.psychologist, action) ? "psy" : "coord" }
            let e = Event(id: EventID.random(using: &g), at: at, author: author, device: devices[d],
                          site: site ?? sites[d], body: body)
            out.append(e)
            return e
        }
        var root: [UIC: UIC] = [:]
        func find(_ u: UIC) -> UIC { var r = u; while let p = root[r] { r = p }; return r }
        for d in 0..<3 {
            for a in authors { _ = next(.userAdded(name: a, role: a == "coord" ? .coordinator : .worker), device: d) }
            _ = next(.userAdded(name: "psy", role: .psychologist), device: d)
        }
        while out.count < count {
            switch g.next() % 100 {
            case 0..<12:
                let u = clients.isEmpty || g.next() % 4 != 0 ? uic(&g) : near(clients.randomElement(using: &g)!, &g)
                clients.append(u)
                _ = next(.clientRegistered(u))
            case 12..<50:
                let u = clients.randomElement(using: &g) ?? uic(&g)
                var lines: [ItemQuantity] = []
                for _ in 0..<Int(g.next() % 3) {
                    let it = items.randomElement(using: &g)!
                    let q = Int32(1 + g.next() % 20)
                    // As a store writes them: each item once per contact.
                    if !lines.contains(where: { $0.item == it }) { lines.append(ItemQuantity(item: it, quantity: q)) }
                }
                let c = Contact(client: u, type: g.next() % 2 == 0 ? "stationary" : "mobile", items: lines,
                                services: g.next() % 3 == 0 ? [services.randomElement(using: &g)!] : [],
                                overdose: g.next() % 20 == 0 ? "reversed-naloxone" : nil,
                                note: g.next() % 10 == 0 ? "note \(g.next() % 100)" : nil, packs: [])
                _ = next(.contactLogged(c))
            case 50..<58:
                _ = next(.stockReceived(StockReceipt(item: items.randomElement(using: &g)!, quantity: Int32(50 + g.next() % 500),
                                                     lot: g.next() % 2 == 0 ? "L\(g.next() % 9)" : nil,
                                                     expires: g.next() % 2 == 0 ? Int32(20_700 + g.next() % 400) : nil)))
            case 58..<63:
                let from = sites.randomElement(using: &g)!
                let to = sites.filter { $0 != from }.randomElement(using: &g)!
                let it = items.randomElement(using: &g)!
                let q = Int32(1 + g.next() % 100)
                let e = next(.stockTransferred(StockTransfer(item: it, quantity: q, to: to)), site: from)
                transfers.append((e.id, it, from, q, to))
            case 63..<67:
                guard let t = transfers.randomElement(using: &g) else { continue }
                _ = next(.stockTransferReceived(TransferReceipt(transfer: t.0, item: t.1, quantity: t.3, from: t.2)), site: t.4)
            case 67..<70:
                _ = next(.stockWrittenOff(StockWriteOff(item: items.randomElement(using: &g)!, quantity: Int32(1 + g.next() % 10),
                                                        reason: WriteOffReason.allCases.randomElement(using: &g)!)))
            case 70..<73:
                _ = next(.stockCounted(StockCount(item: items.randomElement(using: &g)!, counted: Int32(g.next() % 300))))
            case 73..<80:
                let u = clients.randomElement(using: &g) ?? uic(&g)
                let e = next(.referralIssued(ReferralIssue(client: u, service: services.randomElement(using: &g)!,
                                                           due: g.next() % 2 == 0 ? Int32(20_600 + g.next() % 60) : nil)))
                referrals.append((e.id, []))
            case 80..<92:
                guard !referrals.isEmpty else { continue }
                let i = Int(g.next() % UInt64(referrals.count))
                let r = referrals[i]
                // Usually based on the latest change; sometimes on an older one (a concurrent edit).
                let base: EventID = r.chain.isEmpty ? r.id
                    : (g.next() % 4 == 0 ? r.chain.randomElement(using: &g)! : r.chain.last!)
                let e = next(.referralUpdated(ReferralUpdate(referral: r.id, status: ReferralStatus.allCases.randomElement(using: &g)!,
                                                             note: nil, basedOn: g.next() % 10 == 0 ? nil : base)))
                referrals[i].chain.append(e.id)
            case 92..<95:
                guard let r = referrals.randomElement(using: &g) else { continue }
                _ = next(.referralNoteAdded(ConfidentialNote(referral: r.id, sealed: (0..<24).map { _ in UInt8(g.next() & 0xff) })))
            case 95..<98:
                guard clients.count > 2 else { continue }
                let a = clients.randomElement(using: &g)!, b = clients.randomElement(using: &g)!
                // Never a cycle: a store refuses to merge codes that are already one client.
                if a != b && find(a) != find(b) {
                    root[find(a)] = find(b)
                    _ = next(.clientsMerged(from: a, into: b))
                }
            default:
                if g.next() % 2 == 0 { _ = next(.userAdded(name: "u\(g.next() % 5)", role: .worker)) }
                else { _ = next(.userRemoved(name: "u\(g.next() % 5)")) }
            }
        }
        return out
    }

    /// A code one letter away from `u` (same sex digit and year).
    static func near<G: RandomNumberGenerator>(_ u: UIC, _ g: inout G) -> UIC {
        var c = Array(u.code)
        let i = Int(g.next() % 4)
        c[i] = c[i] == "Z" ? "Y" : "Z"
        return UIC(normalised: String(c))
    }

    /// Splits events among `n` holders: each event goes to one or more of them.
    static func distribute(_ events: [Event], among n: Int, seed: UInt64, overlap: UInt64 = 4) -> [[Event]] {
        var g = SplitMix(seed: seed)
        var out = Array(repeating: [Event](), count: n)
        for e in events {
            let first = Int(g.next() % UInt64(n))
            out[first].append(e)
            for j in 0..<n where j != first && g.next() % overlap == 0 { out[j].append(e) }
        }
        return out
    }
}

/// Three stores that trust each other.
struct SyncPeers {
    var stores: [String: MemorySyncStore] = [:]
    var engines: [String: SyncEngine] = [:]

    /// The authors of the generated and hand-made worlds on their devices (0xA1, 0xB2, 0xC3):
    /// events split among stores may travel without their author's `userAdded`.
    static let registrations: [Event] = [UInt64(0xA1), 0xB2, 0xC3].flatMap { d in
        ["aigerim", "dana", "yerlan", "coord", "psy"].enumerated().map { i, name in
            Event(id: EventID(high: 0xFEED, low: d << 8 | UInt64(i)), at: 1_700_000_000, author: "coord", device: DeviceID(d),
                  site: "almaty-central",
                  body: .userAdded(name: name, role: name == "coord" ? .coordinator : name == "psy" ? .psychologist : .worker))
        }
    }

    init(_ names: [(name: String, point: String, events: [Event])], now: Timestamp = 1_830_000_000) {
        for n in names {
            let s = MemorySyncStore(point: n.point, role: .coordinator, events: n.events)
            s.registrations = Self.registrations
            stores[n.name] = s
            engines[n.name] = SyncEngine(store: s, clock: { now })
        }
        for a in names {
            for b in names where a.name != b.name {
                try! engines[a.name]!.trust(name: b.name, key: try! engines[b.name]!.identityLine())
            }
        }
    }

    subscript(_ name: String) -> SyncEngine { engines[name]! }
    func store(_ name: String) -> MemorySyncStore { stores[name]! }

    /// Exports from `from` to `to` and imports there.
    @discardableResult
    func send(_ from: String, _ to: String, mode: ExportMode = .sinceLast) throws -> ImportSummary {
        let b = try engines[from]!.export(to: to, mode: mode)
        return try engines[to]!.importBundle(b.bytes, progress: nil)
    }
}
