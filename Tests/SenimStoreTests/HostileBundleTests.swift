import Foundation
import SenimCore
import Testing
@testable import SenimStore

/// Validly signed bundles from a trusted peer with hostile content: each is refused whole with
/// a message naming the event kind and the field (or the author), and the receiving store's
/// files are byte-identical afterwards.
@Suite struct HostileBundleTests {

    static let device = DeviceID(0x5E5E)
    static let site = "temirtau"
    static let t: Timestamp = 1_790_000_000
    static let code = TestSupport.configuration.uic.parse("ANAN290")!
    static let other = TestSupport.configuration.uic.parse("BOBO185")!

    static func event(_ body: EventBody, author: String = "boss", at: Timestamp = t, site: String = site,
                      device: DeviceID = device, n: UInt64) -> Event {
        Event(id: EventID(high: 0x1000 + n, low: n), at: at, author: author, device: device, site: site, body: body)
    }

    /// A sender store's honest history: its coordinator, a worker, a client and a contact.
    static let base: [Event] = [
        event(.userAdded(name: "boss", role: .coordinator), at: t - 1000, n: 1),
        event(.userAdded(name: "wk", role: .worker), at: t - 900, n: 2),
        event(.clientRegistered(code), author: "wk", at: t - 800, n: 3),
        event(.clientRegistered(other), author: "wk", at: t - 800, n: 4),
        event(.contactLogged(Contact(client: code, type: "stationary", items: [ItemQuantity(item: "needle", quantity: 10)])),
              author: "wk", at: t - 700, n: 5),
    ]

    static func contact(_ c: Contact, at: Timestamp = t, n: UInt64 = 100) -> Event { event(.contactLogged(c), author: "wk", at: at, n: n) }
    static func plain(items: [ItemQuantity] = [ItemQuantity(item: "needle", quantity: 1)]) -> Contact {
        Contact(client: code, type: "stationary", items: items)
    }

    enum Expect { case field(String, String), author(String) }

    /// (what, hostile events, expected refusal)
    static let cases: [(String, [Event], Expect)] = [
        ("year 30000", [contact(plain(), at: 884_541_000_000)], .field("contact-logged", "time")),
        ("time Int64.max", [contact(plain(), at: .max)], .field("contact-logged", "time")),
        ("time Int64.min", [contact(plain(), at: .min)], .field("contact-logged", "time")),
        ("year 1969", [contact(plain(), at: -100)], .field("contact-logged", "time")),
        ("quantity 2^31-1", [contact(plain(items: [ItemQuantity(item: "needle", quantity: .max)]))], .field("contact-logged", "items")),
        ("quantity 0", [contact(plain(items: [ItemQuantity(item: "needle", quantity: 0)]))], .field("contact-logged", "items")),
        ("quantity negative", [contact(plain(items: [ItemQuantity(item: "needle", quantity: .min)]))], .field("contact-logged", "items")),
        ("unknown item", [contact(plain(items: [ItemQuantity(item: "plutonium", quantity: 1)]))], .field("contact-logged", "items")),
        ("item twice", [contact(plain(items: [ItemQuantity(item: "needle", quantity: 1), ItemQuantity(item: "needle", quantity: 1)]))],
         .field("contact-logged", "items")),
        ("unknown type", [contact(Contact(client: code, type: "teleport", items: [ItemQuantity(item: "needle", quantity: 1)]))],
         .field("contact-logged", "type")),
        ("unknown service", [contact(Contact(client: code, type: "stationary", services: ["magic"]))], .field("contact-logged", "services")),
        ("unknown overdose", [contact(Contact(client: code, type: "stationary", overdose: "zombie"))], .field("contact-logged", "overdose")),
        ("unknown pack", [contact(Contact(client: code, type: "stationary", items: [ItemQuantity(item: "needle", quantity: 1)], packs: ["x"]))],
         .field("contact-logged", "packs")),
        ("bad code", [contact(Contact(client: UIC(normalised: "!!\u{1B}[2J"), type: "stationary", items: [ItemQuantity(item: "needle", quantity: 1)]))],
         .field("contact-logged", "client")),
        ("huge note", [contact(Contact(client: code, type: "stationary", note: String(repeating: "я", count: 5000)))], .field("contact-logged", "note")),
        ("unknown site", [event(.contactLogged(plain()), author: "wk", site: "atlantis", n: 100)], .field("contact-logged", "site")),
        ("bad author name", [event(.contactLogged(plain()), author: "wk\u{202E}", n: 100)], .field("contact-logged", "author")),
        ("zero device", [event(.contactLogged(plain()), author: "wk", device: DeviceID(0), n: 100)], .field("contact-logged", "device")),
        ("receive 2^31-1", [event(.stockReceived(StockReceipt(item: "naloxone", quantity: .max)), n: 100)], .field("stock-received", "quantity")),
        ("receive expiry year 30000", [event(.stockReceived(StockReceipt(item: "naloxone", quantity: 5, expires: 10_000_000)), n: 100)],
         .field("stock-received", "expires")),
        ("count negative", [event(.stockCounted(StockCount(item: "naloxone", counted: -1)), n: 100)], .field("stock-counted", "counted")),
        ("write-off unknown item", [event(.stockWrittenOff(StockWriteOff(item: "x", quantity: 1, reason: .lost)), n: 100)],
         .field("stock-written-off", "item")),
        ("write-off of a blank lot", [event(.stockWrittenOff(StockWriteOff(item: "naloxone", quantity: 1, reason: .lost, lot: " ")), n: 100)],
         .field("stock-written-off", "lot")),
        ("write-off of a huge lot", [event(.stockWrittenOff(StockWriteOff(item: "naloxone", quantity: 1, reason: .lost,
                                                                             lot: String(repeating: "L", count: 5000))), n: 100)],
         .field("stock-written-off", "lot")),
        ("self-transfer", [event(.stockTransferred(StockTransfer(item: "naloxone", quantity: 5, to: site)), n: 100)],
         .field("stock-transferred", "to")),
        ("transfer to nowhere", [event(.stockTransferred(StockTransfer(item: "naloxone", quantity: 5, to: "atlantis")), n: 100)],
         .field("stock-transferred", "to")),
        ("receipt from itself", [event(.stockTransferReceived(TransferReceipt(transfer: EventID(high: 9, low: 9), item: "naloxone", quantity: 5, from: site)),
                                       author: "wk", n: 100)], .field("stock-transfer-received", "from")),
        ("referral due year 30000", [event(.referralIssued(ReferralIssue(client: code, service: "hiv-test", due: .max)), author: "wk", n: 100)],
         .field("referral-issued", "due")),
        ("referral unknown service", [event(.referralIssued(ReferralIssue(client: code, service: "x")), author: "wk", n: 100)],
         .field("referral-issued", "service")),
        ("merge into itself", [event(.clientsMerged(from: code, into: code), n: 100)], .field("clients-merged", "into")),
        ("merge cycle", [event(.clientsMerged(from: code, into: other), n: 100), event(.clientsMerged(from: other, into: code), at: t + 1, n: 101)],
         .field("clients-merged", "into")),
        ("bad user name", [event(.userAdded(name: "a b!", role: .worker), n: 100)], .field("user-added", "name")),
        ("worker receives stock", [event(.stockReceived(StockReceipt(item: "naloxone", quantity: 777)), author: "wk", n: 100)],
         .author("wk")),
        ("worker merges", [event(.clientsMerged(from: code, into: other), author: "wk", n: 100)], .author("wk")),
        ("worker adds a coordinator", [event(.userAdded(name: "evil", role: .coordinator), author: "wk", n: 100)], .author("wk")),
        ("worker promotes themselves", [event(.userAdded(name: "wk", role: .coordinator), author: "wk", n: 100),
                                        event(.stockReceived(StockReceipt(item: "naloxone", quantity: 777)), author: "wk", at: t + 5, n: 101)],
         .author("wk")),
        ("unknown author", [event(.contactLogged(plain()), author: "ghost", n: 100)], .author("ghost")),
        ("author of another store", [event(.contactLogged(plain()), author: "wk", device: DeviceID(0x7777), n: 100)], .author("wk")),
    ] + amendmentCases + serviceCases + detailCases

    /// A contact's details (overdose kind, who came, rapid test results): `Validator.contactDetail`.
    static func detailed(_ d: ContactDetail, services: [String] = [], overdose: String? = nil) -> Contact {
        Contact(client: code, type: "stationary", items: [ItemQuantity(item: "needle", quantity: 1)], services: services,
                overdose: overdose, detail: d)
    }
    static let detailCases: [(String, [Event], Expect)] = [
        ("overdose kind without an outcome", [event(.contactLogged(detailed(ContactDetail(overdoseKind: .psychosis))), author: "wk", n: 100)],
         .field("contact-logged", "overdose")),
        ("police came twice", [event(.contactLogged(detailed(ContactDetail(responders: [.policeCame, .policeCame]), overdose: "fatal")),
                                     author: "wk", n: 100)], .field("contact-logged", "overdose")),
        ("result for a test not given", [event(.contactLogged(detailed(ContactDetail(results: [
            ServiceResult(service: "hiv-test", result: .reactive)]))), author: "wk", n: 100)], .field("contact-logged", "detail")),
        ("result for a service that is no test", [event(.contactLogged(detailed(ContactDetail(results: [
            ServiceResult(service: "legal-aid", result: .reactive)]), services: ["legal-aid"])), author: "wk", n: 100)],
         .field("contact-logged", "detail")),
        ("correction to a kind without an outcome", [event(correction(detailed(ContactDetail(overdoseKind: .stimulant))), author: "wk", n: 100)],
         .field("contact-corrected", "contact.overdose")),
    ]

    static let contact5 = EventID(high: 0x1005, low: 5)
    static func correction(_ c: Contact, target: EventID = contact5, note: String? = nil) -> EventBody {
        .contactCorrected(ContactCorrection(target: target, contact: c, reason: .mistake, note: note))
    }

    /// Corrections, voids and unmerges (kinds 20–22): the Validator's incoming-amendment check
    /// and the correction policy, as if typed here.
    static let amendmentCases: [(String, [Event], Expect)] = [
        ("correction to quantity 0", [event(correction(plain(items: [ItemQuantity(item: "needle", quantity: 0)])), author: "wk", n: 100)],
         .field("contact-corrected", "contact.items")),
        ("correction to 2^31-1", [event(correction(plain(items: [ItemQuantity(item: "needle", quantity: .max)])), author: "wk", n: 100)],
         .field("contact-corrected", "contact.items")),
        ("correction to an unknown type", [event(correction(Contact(client: code, type: "teleport")), author: "wk", n: 100)],
         .field("contact-corrected", "contact.type")),
        ("correction to a bad code", [event(correction(Contact(client: UIC(normalised: "??"), type: "stationary")), author: "wk", n: 100)],
         .field("contact-corrected", "contact.client")),
        ("correction with a huge note", [event(correction(plain(), note: String(repeating: "ж", count: 5000)), author: "wk", n: 100)],
         .field("contact-corrected", "note")),
        ("correction of itself", [event(correction(plain(), target: EventID(high: 0x1000 + 100, low: 100)), author: "wk", n: 100)],
         .field("contact-corrected", "target")),
        ("worker corrects the coordinator's contact",
         [event(.contactLogged(plain()), author: "boss", at: t - 600, n: 99),
          event(correction(plain(), target: EventID(high: 0x1000 + 99, low: 99)), author: "wk", n: 100)],
         .field("contact-corrected", "target")),
        ("worker corrects a contact a year old",
         [event(.contactLogged(plain()), author: "wk", at: t - 400 * 86_400, n: 99),
          event(correction(plain(), target: EventID(high: 0x1000 + 99, low: 99)), author: "wk", n: 100)],
         .field("contact-corrected", "target")),
        ("worker voids the coordinator's stock receipt",
         [event(.stockReceived(StockReceipt(item: "naloxone", quantity: 5)), at: t - 600, n: 99),
          event(.recordVoided(VoidRecord(target: EventID(high: 0x1000 + 99, low: 99), reason: .mistake)), author: "wk", n: 100)],
         .field("record-voided", "target")),
        ("void with a huge note", [event(.recordVoided(VoidRecord(target: contact5, reason: .mistake, note: String(repeating: "ж", count: 5000))),
                                         author: "wk", n: 100)], .field("record-voided", "note")),
        ("void of itself", [event(.recordVoided(VoidRecord(target: EventID(high: 0x1000 + 100, low: 100), reason: .test)), n: 100)],
         .field("record-voided", "target")),
        ("unmerge of a bad code", [event(.clientUnmerged(UIC(normalised: "\u{1B}]0;x")), n: 100)], .field("client-unmerged", "client")),
        ("worker unmerges", [event(.clientUnmerged(code), author: "wk", n: 100)], .author("wk")),
    ]

    /// Client profiles, incidents and group activities (kinds 30–32): the Validator's checks.
    static let serviceCases: [(String, [Event], Expect)] = [
        ("empty profile", [event(.clientProfileSet(ClientProfile(client: code)), author: "wk", n: 100)],
         .field("client-profile-set", "profile")),
        ("profile with a substance twice", [event(.clientProfileSet(ClientProfile(client: code, substances: [.opioids, .opioids])),
                                                  author: "wk", n: 100)], .field("client-profile-set", "substance")),
        ("profile of a bad code", [event(.clientProfileSet(ClientProfile(client: UIC(normalised: "X"), oat: nil, gender: nil)),
                                         author: "wk", n: 100)], .field("client-profile-set", "client")),
        ("incident about a bad code", [event(.incidentRecorded(Incident(kind: .detention, client: UIC(normalised: "!!"))), author: "wk", n: 100)],
         .field("incident-recorded", "client")),
        ("incident with a huge note", [event(.incidentRecorded(Incident(kind: .detention, note: String(repeating: "ж", count: 5000))),
                                             author: "wk", n: 100)], .field("incident-recorded", "note")),
        ("activity with no one", [event(.activityRecorded(GroupActivity(kind: .training, participants: 0)), author: "wk", n: 100)],
         .field("activity-recorded", "participants")),
        ("activity with 2^31-1 people", [event(.activityRecorded(GroupActivity(kind: .training, participants: .max)), author: "wk", n: 100)],
         .field("activity-recorded", "participants")),
        ("activity with -5 people", [event(.activityRecorded(GroupActivity(kind: .training, participants: -5)), author: "wk", n: 100)],
         .field("activity-recorded", "participants")),
    ]

    /// A receiving store (a real one on disk) and a sender that trust each other.
    func pair() throws -> (dir: URL, session: Session, receiver: SyncEngine, senderKey: String) {
        let dir = TestSupport.freshStore()
        let s = try TestSupport.open(dir)
        let receiver = SyncEngine(store: s)
        _ = try receiver.identityLine()
        return (dir, s, receiver, "")
    }

    func bundle(_ events: [Event], for receiver: SyncEngine) throws -> (bytes: [UInt8], sender: SyncEngine) {
        let store = MemorySyncStore(point: Self.site, role: .coordinator, events: events)
        let sender = SyncEngine(store: store, clock: { Self.t })
        try sender.trust(name: "hub", key: try receiver.identityLine())
        return (try sender.export(to: "hub", mode: .all).bytes, sender)
    }

    @Test func theHonestBaseImports() throws {
        let (dir, s, receiver, _) = try pair()
        defer { s.close(); TestSupport.cleanup(dir) }
        let (bytes, sender) = try bundle(Self.base, for: receiver)
        try receiver.trust(name: "temirtau", key: try sender.identityLine())
        let r = try receiver.importBundle(bytes)
        #expect(r.eventsNew == Self.base.count)
    }

    /// The checks refuse hostile amendments and service records, not honest ones: a worker's
    /// correction of their own contact, a coordinator's void of it, a profile, an incident and
    /// an activity all import.
    @Test func honestAmendmentsAndServiceRecordsImport() throws {
        let (dir, s, receiver, _) = try pair()
        defer { s.close(); TestSupport.cleanup(dir) }
        let honest = Self.base + [
            Self.event(Self.correction(Self.plain(items: [ItemQuantity(item: "needle", quantity: 20)])), author: "wk", n: 100),
            Self.event(.clientProfileSet(ClientProfile(client: Self.code, substances: [.opioids, .stimulants])), author: "wk", n: 101),
            Self.event(.incidentRecorded(Incident(kind: .detention, client: Self.code, note: "у пункта")), author: "wk", n: 102),
            Self.event(.activityRecorded(GroupActivity(kind: .training, participants: 12)), author: "wk", n: 103),
            Self.event(.contactLogged(Self.detailed(ContactDetail(overdoseKind: .overheating, responders: [.policeCame],
                                                                  results: [ServiceResult(service: "hiv-test", result: .reactive)]),
                                                    services: ["hiv-test"], overdose: "hospital")), author: "wk", n: 105),
            Self.event(.recordVoided(VoidRecord(target: Self.contact5, reason: .duplicate)), at: Self.t + 10, n: 104),
        ]
        let (bytes, sender) = try bundle(honest, for: receiver)
        try receiver.trust(name: "temirtau", key: try sender.identityLine())
        #expect(try receiver.importBundle(bytes).eventsNew == honest.count)
    }

    @Test(arguments: 0..<cases.count)
    func hostileContentIsRefusedAndTheStoreIsUnchanged(_ i: Int) throws {
        let (what, hostile, expect) = Self.cases[i]
        let (dir, s, receiver, _) = try pair()
        defer { s.close(); TestSupport.cleanup(dir) }
        let (bytes, sender) = try bundle(Self.base + hostile, for: receiver)
        try receiver.trust(name: "temirtau", key: try sender.identityLine())
        let before = storeFileHashes(dir)
        let eventsBefore = s.eventCount
        do {
            _ = try receiver.importBundle(bytes)
            Issue.record("\(what): imported")
        } catch {
            switch (expect, error) {
            case (.field(let kind, let field), .invalidEvent(let k, let f, _)):
                #expect(k == kind && f == field, "\(what): \(error)")
            case (.author(let a), .wrongAuthor(_, let author, _)):
                #expect(author == a, "\(what): \(error)")
            default:
                Issue.record("\(what): \(error)")
            }
            // The message names the kind and the field (or author) in every language.
            let text = error.description
            switch expect {
            case .field(let kind, let field): #expect(text.contains(kind) && text.contains(field), "\(text)")
            case .author(let a): #expect(text.contains(a), "\(text)")
            }
        }
        #expect(storeFileHashes(dir) == before, "\(what): store files changed")
        #expect(s.eventCount == eventsBefore)
    }

    /// A bundle imported into a store with no sync identity yet cannot be for it, and the
    /// refusal writes nothing (it used to make and save the identity first).
    @Test func aRefusedImportWritesNothing() throws {
        let dir = TestSupport.freshStore()
        let s = try TestSupport.open(dir)
        defer { s.close(); TestSupport.cleanup(dir) }
        let before = storeFileHashes(dir)
        #expect(throws: SyncError.notForThisStore) { _ = try SyncEngine(store: s).importBundle(Array(repeating: 0x41, count: 4096)) }
        #expect(storeFileHashes(dir) == before)
    }

    /// Untrust revokes: the peer's next bundle is refused; a changed key needs untrust + trust.
    @Test func untrustRevokesAndAChangedKeyNeedsUntrustThenTrust() throws {
        let (dir, s, receiver, _) = try pair()
        defer { s.close(); TestSupport.cleanup(dir) }
        let (bytes, sender) = try bundle(Self.base, for: receiver)
        try receiver.trust(name: "temirtau", key: try sender.identityLine())
        try receiver.untrust(name: "temirtau")
        #expect(throws: SyncError.untrustedSender(fingerprint: try sender.identityFingerprint())) { _ = try receiver.importBundle(bytes) }
        try receiver.trust(name: "temirtau", key: try sender.identityLine())
        let newKey = SyncEngine(store: MemorySyncStore(point: Self.site))
        #expect(throws: SyncError.peerExists(name: "temirtau")) { try receiver.trust(name: "temirtau", key: try newKey.identityLine()) }
        try receiver.untrust(name: "temirtau")
        try receiver.trust(name: "temirtau", key: try newKey.identityLine())
        #expect(receiver.trusted().map(\.key) == [try newKey.identityLine()])
    }

    /// A file given to import is read chunk by chunk: a large file that is not a bundle for
    /// this store is refused after its header, quickly, without being read whole.
    @Test func aHugeFileIsRefusedFromItsHeader() throws {
        let (dir, s, receiver, _) = try pair()
        defer { s.close(); TestSupport.cleanup(dir) }
        let big = TestSupport.tempDirectory("bundle").appendingPathComponent("big.bundle")
        defer { TestSupport.cleanup(big.deletingLastPathComponent()) }
        FileManager.default.createFile(atPath: big.path, contents: Data(repeating: 0x5A, count: 4096))
        let h = try FileHandle(forWritingTo: big)
        try h.truncate(atOffset: 1 << 30)
        try h.close()
        let t0 = Date()
        #expect(throws: SyncError.notForThisStore) { _ = try receiver.importBundle(file: big.path) }
        #expect(throws: SyncError.tooLarge(limit: 1 << 20)) { _ = try receiver.importBundle(file: big.path, maxSize: 1 << 20) }
        #expect(Date().timeIntervalSince(t0) < 1)
        // A real bundle through the file path imports.
        let (bytes, sender) = try bundle(Self.base, for: receiver)
        try receiver.trust(name: "temirtau", key: try sender.identityLine())
        let file = big.deletingLastPathComponent().appendingPathComponent("ok.bundle")
        try Data(bytes).write(to: file)
        #expect(try receiver.importBundle(file: file.path).eventsNew == Self.base.count)
    }
}
