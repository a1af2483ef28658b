import ArgumentParser
import Foundation
import SenimCore
import SenimStore

struct ContactAddCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Log a contact: supplies handed out, services, an overdose, a note. Prints the contact's id.",
        discussion: """
            Packs expand into their items; --item adds an item or, for an item already in a pack, sets its \
            quantity. An unknown client code is refused (similar codes are listed) unless --new-client is \
            given. Notes must not contain an IIN, phone number or e-mail address (exit 65; nothing is saved).
            An overdose may say its kind and who came; a rapid test (hiv-test, hcv-test) may record its result. \
            A reactive result prints a hint to refer the client for a confirmatory test.
            Example: senim contact add --client ANSE185 --pack injecting --item syringe-1ml=20 --service hiv-test
            Example: senim contact add --client ANSE185 --overdose recovered --overdose-kind stimulant --who-came police-came
            Example: senim contact add --client ANSE185 --service hiv-test --result hiv-test=reactive
            """)

    @OptionGroup var global: GlobalOptions

    @Option(name: .customLong("client"), help: ArgumentHelp("The client's code.", valueName: "uic"))
    var client: String

    @Flag(name: .customLong("new-client"), help: "Register the code first if it is new.")
    var newClient = false

    @Option(name: .customLong("point"), help: ArgumentHelp("Trust point id (default: this store's point).", valueName: "id"))
    var point: String?

    @Option(name: .customLong("at"), help: ArgumentHelp("When it happened (ISO 8601; default: now).", valueName: "time"))
    var at: String?

    @Option(name: .customLong("type"), help: ArgumentHelp("Contact type id (default: stationary, or mobile at a mobile point).", valueName: "id"))
    var type: String?

    @Option(name: .customLong("pack"), help: ArgumentHelp("A standard pack id or its key (repeatable).", valueName: "name"))
    var packs: [String] = []

    @Option(name: .customLong("item"), help: ArgumentHelp("An item and quantity, ID=QTY (repeatable).", valueName: "id=qty"))
    var items: [String] = []

    @Option(name: .customLong("service"), help: ArgumentHelp("A service id (repeatable).", valueName: "id"))
    var services: [String] = []

    @Option(name: .customLong("overdose"), help: ArgumentHelp("An overdose outcome id, if an overdose was witnessed or reported.", valueName: "outcome"))
    var overdose: String?

    @OptionGroup var detail: ContactDetailOptions

    @Option(name: .customLong("note"), help: ArgumentHelp("A short note (no names, IIN, phone numbers or e-mail).", valueName: "text"))
    var note: String?

    @Flag(name: .customLong("confirm-large"), help: "Accept quantities above an item's usual maximum per contact (catalogue `usualMaximum`).")
    var confirmLarge = false

    func validate() throws {
        _ = try Self.parseItems(items)
        if let at, Dates.parseInstant(at) == nil { throw ValidationError("--at '\(at)': expected ISO 8601, e.g. 2026-11-23T14:05") }
    }

    static func parseItems(_ raw: [String]) throws -> [(String, Int)] {
        try raw.map { s in
            guard let eq = s.firstIndex(of: "="), let q = Int(s[s.index(after: eq)...].trimmingCharacters(in: .whitespaces)),
                  eq != s.startIndex else {
                throw ValidationError("--item '\(s)': expected ID=QTY, e.g. syringe-1ml=20")
            }
            return (String(s[..<eq]).trimmingCharacters(in: .whitespaces), q)
        }
    }

    func run() throws {
        try global.withSession { env, s in
            let when = try at.map { try TimeCheck.past($0) }
            let ctx = s.context(site: point, at: when)
            let input = Validator.ContactInput(client: client, type: type, packs: packs, items: try Self.parseItems(items),
                                               services: services, overdose: overdose, note: note, detail: try detail.detail())
            let events = try s.validator.contact(input, ctx: ctx, known: s.knows, nearDuplicates: s.nearDuplicates,
                                                 newClient: newClient)
            if case .contactLogged(let c)? = events.last?.body { try s.validator.requirePlausible(c.items, confirmed: confirmLarge) }
            try s.save(events)
            if events.count > 1, case .clientRegistered(let u) = events[0].body {
                Out.error(env.t("cli.contact.newClient", u.code))
            }
            if case .contactLogged(let c)? = events.last?.body { ContactDetailOptions.printReactiveHints(c, env) }
            Out.line(s.newID(events.last!.id))
        }
    }
}

enum TimeCheck {
    /// A time from --at: parsed, and not in the future (a few minutes of clock skew allowed).
    static func past(_ text: String, now: Date = Date()) throws -> Date {
        guard let d = Dates.parseInstant(text) else { throw CLIFailure.usage("cli.time.invalid", PrivacyGuard.echo(text)) }
        // The limits are the Validator's (the TUI's "When" fields use the same); the CLI's
        // wording repeats the time typed.
        do throws(Message) {
            try Validator.checkTime(Timestamp(d.timeIntervalSince1970.rounded(.down)), now: Timestamp(now.timeIntervalSince1970.rounded(.down)))
        } catch {
            throw CLIFailure.refused(error.key == "validate.time.early" ? "cli.time.early" : "cli.time.future", PrivacyGuard.echo(text))
        }
        return d
    }
}
