import Foundation
import SenimCore

/// What `contact show`, `contact correct` and `void` share: finding a record by a typed id and
/// describing its corrections in the user's language.
enum Amending {
    /// Resolves a typed id (full or a unique prefix) among the records that can be shown,
    /// corrected or voided.
    static func resolve(_ text: String, _ s: any StoreSession, _ env: CLIEnvironment, kind: String) throws -> EventID {
        try Render.resolve(text, among: s.ledger.amendableIDs, kind: kind)
    }

    static func resolveContact(_ text: String, _ s: any StoreSession, _ env: CLIEnvironment) throws -> EventID {
        try Render.resolve(text, among: s.ledger.contactIDs, kind: env.t("cli.kind.contact"))
    }

    /// A catalogue id's name in the user's language (the id itself if the catalogue lacks it).
    static func name(_ id: String, _ env: CLIEnvironment) -> String {
        let c = env.configuration.catalogue
        let l = env.language
        return c.item(id)?.names[l] ?? c.service(id)?.names[l] ?? c.contactType(id)?.names[l]
            ?? c.overdoseOutcome(id)?.names[l] ?? id
    }

    static func describe(_ from: Contact, _ to: Contact, _ env: CLIEnvironment) -> String {
        ContactDiff.describe(ContactDiff.changes(from: from, to: to), name: { name($0, env) },
                             label: { env.t("cli.amend.field." + $0) })
    }

    /// One line per correction or void: "corrected by aigerim 01.12 16:20 (mistake): Syringe 2 ml 100 → 10".
    static func historyLines(_ h: AmendmentHistory, _ env: CLIEnvironment) -> [String] {
        var lines: [String] = []
        var current: Contact?
        if case .contactLogged(let c)? = h.original?.body { current = c }
        for a in h.changes {
            let reason = env.t("cli.reason." + a.reason.rawValue)
            var line: String
            if let new = a.correction {
                let what = current.map { describe($0, new, env) } ?? ""
                line = env.t("cli.amend.corrected", a.author, Dates.local(a.at), reason, what.isEmpty ? "–" : what)
                current = new
            } else {
                line = env.t("cli.amend.voided", a.author, Dates.local(a.at), reason)
            }
            if let n = a.note { line += " — " + n }
            lines.append(line)
        }
        return lines
    }
}
