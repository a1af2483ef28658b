/// What a correction changed in a contact, field by field, for histories ("Syringe 2 ml
/// 100 → 10"). Names and labels come from the caller (the catalogue in the user's language).
public enum ContactDiff {
    public enum Change: Sendable, Hashable {
        case client(from: String, to: String)
        case type(from: String, to: String)
        /// Quantity 0 means the item was not (or is no longer) there.
        case item(String, from: Int, to: Int)
        case serviceAdded(String)
        case serviceRemoved(String)
        case overdose(from: String?, to: String?)
        case note(from: String?, to: String?)
        /// Overdose kind, who came or test results changed (ids: `stimulant`, `police-came`, `hiv-test reactive`).
        case detail(from: [String], to: [String])
    }

    /// A contact's details as short ids, for `detail` changes.
    public static func words(_ d: ContactDetail) -> [String] {
        [d.overdoseKind?.rawValue].compactMap { $0 } + d.responders.map(\.rawValue)
            + d.results.map { "\($0.service) \($0.result.rawValue)" }
    }

    public static func changes(from a: Contact, to b: Contact) -> [Change] {
        var out: [Change] = []
        if a.client != b.client { out.append(.client(from: a.client.code, to: b.client.code)) }
        if a.type != b.type { out.append(.type(from: a.type, to: b.type)) }
        var old: [String: Int] = [:]
        for l in a.items { old[l.item, default: 0] += Int(l.quantity) }
        var new: [String: Int] = [:]
        for l in b.items { new[l.item, default: 0] += Int(l.quantity) }
        var order: [String] = []
        for l in a.items + b.items where !order.contains(l.item) { order.append(l.item) }
        for id in order where old[id, default: 0] != new[id, default: 0] {
            out.append(.item(id, from: old[id, default: 0], to: new[id, default: 0]))
        }
        for s in b.services where !a.services.contains(s) { out.append(.serviceAdded(s)) }
        for s in a.services where !b.services.contains(s) { out.append(.serviceRemoved(s)) }
        if a.overdose != b.overdose { out.append(.overdose(from: a.overdose, to: b.overdose)) }
        if a.note != b.note { out.append(.note(from: a.note, to: b.note)) }
        if a.detail != b.detail { out.append(.detail(from: words(a.detail), to: words(b.detail))) }
        return out
    }

    /// One line: "Syringe 2 ml 100 → 10, +HIV test". `name` names items, services, types and
    /// outcomes; `label` names the fields "client", "type", "overdose" and "note".
    public static func describe(_ changes: [Change], name: (String) -> String, label: (String) -> String) -> String {
        changes.map { c -> String in
            switch c {
            case .client(let a, let b): "\(label("client")) \(a) → \(b)"
            case .type(let a, let b): "\(label("type")) \(name(a)) → \(name(b))"
            case .item(let id, let a, let b): "\(name(id)) \(a) → \(b)"
            case .serviceAdded(let s): "+\(name(s))"
            case .serviceRemoved(let s): "−\(name(s))"
            case .overdose(let a, let b): "\(label("overdose")) \(a.map(name) ?? "–") → \(b.map(name) ?? "–")"
            case .note(let a, let b): "\(label("note")) \(Self.clip(a)) → \(Self.clip(b))"
            case .detail(let a, let b):
                "\(label("detail")) \(a.isEmpty ? "–" : a.joined(separator: " ")) → \(b.isEmpty ? "–" : b.joined(separator: " "))"
            }
        }.joined(separator: ", ")
    }

    private static func clip(_ s: String?) -> String {
        guard let s else { return "–" }
        return s.count > 24 ? "«" + s.prefix(23) + "…»" : "«" + s + "»"
    }
}
