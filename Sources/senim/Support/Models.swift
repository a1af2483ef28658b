import Foundation
import SenimCore

/// The JSON shapes printed by --json (documented in docs/cli.md; keys are sorted, times are
/// UTC ISO 8601 with "Z", dates are YYYY-MM-DD, absent values are null).
enum JSONModel {
    struct Client: Encodable {
        var code: String
        @Nullable var sex: String?
        @Nullable var birthYear: Int?
        var firstSeen: String
        var lastSeen: String
        var firstPoint: String
        var contacts: Int
        @Nullable var mergedInto: String?
    }

    struct ItemLine: Encodable { var item: String; var quantity: Int }

    struct Contact: Encodable {
        var id: String
        var at: String
        var point: String
        var client: String
        var worker: String
        var type: String
        var items: [ItemLine]
        var services: [String]
        @Nullable var overdose: String?
        @Nullable var note: String?
        /// "active", "corrected" (shows the latest correction) or "voided".
        var status: String
        /// The overdose's kind and who came (with an overdose), rapid test results.
        @Nullable var overdoseKind: String? = nil
        var whoCame: [String] = []
        var results: [TestResultLine] = []

        mutating func add(_ d: ContactDetail) {
            overdoseKind = d.overdoseKind?.rawValue
            whoCame = d.responders.map(\.rawValue)
            results = d.results.map { TestResultLine(service: $0.service, result: $0.result.rawValue) }
        }
    }

    struct TestResultLine: Encodable { var service: String; var result: String }

    struct Referral: Encodable {
        var id: String
        var client: String
        var service: String
        var point: String
        var issuedAt: String
        var issuedBy: String
        @Nullable var due: String?
        var status: String
        var statusAt: String
        var conflict: Bool
        @Nullable var note: String?
        /// Peer psychologists only; null for every other role (they must not learn that notes exist).
        @Nullable var confidentialNotes: Int?
    }

    static func client(_ l: LedgerState, _ c: ClientRecord, formula: UICFormula, year: Int) -> Client {
        Client(code: c.uic.code, sex: formula.sex(of: c.uic), birthYear: formula.birthYear(of: c.uic, referenceYear: year),
               firstSeen: Dates.iso(c.firstSeen), lastSeen: Dates.iso(c.lastSeen), firstPoint: l.sites[c.firstSite],
               contacts: Int(c.contacts), mergedInto: c.mergedInto.map { l.clients[Int(l.canonical($0))].uic.code })
    }

    static func contact(_ l: LedgerState, index n: Int) -> Contact {
        let c = l.contacts[n]
        var out = Contact(id: c.id.description, at: Dates.iso(c.at), point: l.sites[c.site], client: l.clients[Int(c.client)].uic.code,
                       worker: l.workers[c.worker], type: l.contactTypes[c.type],
                       items: l.lines(of: c).map { ItemLine(item: l.items[$0.item], quantity: Int($0.quantity)) },
                       services: l.services(of: c).map { l.services[$0] },
                       overdose: c.overdose >= 0 ? l.outcomes[c.overdose] : nil,
                       note: l.contactNotes[Int32(n)], status: l.amendments[c.id] == nil ? "active" : "corrected")
        if c.hasDetail, let d = l.contactDetails[Int32(n)] { out.add(d) }
        return out
    }

    /// A contact as an event says it (a voided contact, or one version in a history).
    static func contact(_ e: Event, _ c: SenimCore.Contact, status: String) -> Contact {
        var out = Contact(id: e.id.description, at: Dates.iso(e.at), point: e.site, client: c.client.code, worker: e.author, type: c.type,
                          items: c.items.map { ItemLine(item: $0.item, quantity: Int($0.quantity)) }, services: c.services,
                          overdose: c.overdose, note: c.note, status: status)
        out.add(c.detail)
        return out
    }

    static func referral(_ r: ReferralRecord, role: Role) -> Referral {
        Referral(id: r.id.description, client: r.client.code, service: r.service, point: r.site, issuedAt: Dates.iso(r.issuedAt),
                 issuedBy: r.issuedBy, due: r.due.map(Dates.dayText), status: r.status.rawValue, statusAt: Dates.iso(r.statusAt),
                 conflict: r.conflict, note: r.note,
                 confidentialNotes: Policy.allows(role, .readConfidentialNotes) ? r.confidentialNotes.count : nil)
    }
}

enum Render {
    static var currentYear: Int { Dates.calendar.component(.year, from: Date()) }

    static func items(_ lines: [JSONModel.ItemLine]) -> String {
        lines.map { "\($0.item)×\($0.quantity)" }.joined(separator: ", ")
    }

    /// Finds an event id from its full 32 hex digits or a unique prefix (at least 4 digits).
    static func resolve<S: Sequence>(_ text: String, among ids: S, kind: String) throws -> EventID where S.Element == EventID {
        let t = text.lowercased()
        if let full = EventID(t) { return full }
        guard t.count >= 4, t.count < 32, t.allSatisfy(\.isHexDigit) else { throw CLIFailure.refused("cli.id.invalid", PrivacyGuard.echo(text), kind) }
        let matches = ids.filter { $0.description.hasPrefix(t) }
        if matches.count == 1 { return matches[0] }
        if matches.isEmpty { throw CLIFailure.refused("cli.id.unknown", PrivacyGuard.echo(text), kind) }
        let shorts = ShortIDs(matches)
        throw CLIFailure.refused("cli.id.ambiguous", PrivacyGuard.echo(text), kind, matches.prefix(5).map { shorts.short($0) }.joined(separator: ", "))
    }
}

/// An optional that is written as JSON null when absent (JSONEncoder leaves nil keys out),
/// so every documented key is always present.
@propertyWrapper
struct Nullable<T: Encodable>: Encodable {
    var wrappedValue: T?
    init(wrappedValue: T?) { self.wrappedValue = wrappedValue }

    func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        if let v = wrappedValue { try c.encode(v) } else { try c.encodeNil() }
    }
}
