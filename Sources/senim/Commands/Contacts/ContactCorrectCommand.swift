import ArgumentParser
import Foundation
import SenimCore

/// Fields a correction can empty.
enum ClearableField: String, CaseIterable, ExpressibleByArgument {
    case services, overdose, note, results
}

struct ContactCorrectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "correct",
        abstract: "Correct a contact: the fields given replace the old ones. Prints the contact's id.",
        discussion: """
            --item given replaces the whole item list; --service given replaces the service list. The \
            original stays in the history (`senim contact show ID`); stock, reports and DHIS2 follow the \
            latest correction, in the period of the original contact. Outreach workers and psychologists \
            correct their own contacts within the correction window (Config/catalogue.json \
            limits.correctionWindowDays, 7 days unless set); coordinators any contact.
            Example: senim contact correct 1a2b3c4d5e --item syringe-2ml=10 --reason mistake
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The contact id (short form or any unique prefix).", valueName: "id"))
    var id: String

    @Option(name: .customLong("client"), help: ArgumentHelp("The right client code.", valueName: "uic"))
    var client: String?

    @Flag(name: .customLong("new-client"), help: "Register the corrected code first if it is new.")
    var newClient = false

    @Option(name: .customLong("type"), help: ArgumentHelp("The right contact type id.", valueName: "id"))
    var type: String?

    @Option(name: .customLong("item"), help: ArgumentHelp("An item and quantity, ID=QTY (repeatable; replaces the item list).", valueName: "id=qty"))
    var items: [String] = []

    @Option(name: .customLong("service"), help: ArgumentHelp("A service id (repeatable; replaces the service list).", valueName: "id"))
    var services: [String] = []

    @Option(name: .customLong("overdose"), help: ArgumentHelp("The right overdose outcome id.", valueName: "outcome"))
    var overdose: String?

    @OptionGroup var detail: ContactDetailOptions

    @Option(name: .customLong("note"), help: ArgumentHelp("The contact's note (no names, IIN, phone numbers or e-mail).", valueName: "text"))
    var note: String?

    @Option(name: .customLong("clear"), help: ArgumentHelp("Empty a field: services, overdose (with its kind and who came), note or results (repeatable).", valueName: "field"))
    var clear: [ClearableField] = []

    @Option(name: .customLong("reason"), help: ArgumentHelp("mistake, duplicate, wrong-client, test or other (default: mistake).", valueName: "reason"))
    var reason: AmendReason = .mistake

    @Option(name: .customLong("reason-note"), help: ArgumentHelp("Why, in a few words (optional; same rules as notes).", valueName: "text"))
    var reasonNote: String?

    @Flag(name: .customLong("confirm-large"), help: "Accept quantities above an item's usual maximum per contact.")
    var confirmLarge = false

    func validate() throws {
        _ = try ContactAddCommand.parseItems(items)
        if !items.isEmpty || client != nil || type != nil || !services.isEmpty || overdose != nil || note != nil || !clear.isEmpty
            || !detail.isEmpty {
            return
        }
        throw ValidationError("nothing to correct: give at least one of --client, --type, --item, --service, --overdose, --overdose-kind, --who-came, --result, --note, --clear")
    }

    func run() throws {
        try global.withSession { env, s in
            let l = s.ledger
            let cid = try Amending.resolveContact(id, s, env)
            let target = l.amendTarget(cid)
            guard let now = target?.contact else {
                // Not a contact (or unknown): the validator names the problem.
                _ = try s.validator.correctContact(target, idText: id, input: .init(client: ""), packs: [], reason: reason,
                                                   note: reasonNote, ctx: s.context(site: nil, at: nil), known: s.knows,
                                                   nearDuplicates: s.nearDuplicates, newClient: false)
                return
            }
            let newItems = try ContactAddCommand.parseItems(items)
            var input = Validator.ContactInput(client: client ?? now.client.code, type: type ?? now.type)
            input.items = newItems.isEmpty ? now.items.map { ($0.item, Int($0.quantity)) } : newItems
            input.services = clear.contains(.services) ? [] : (services.isEmpty ? now.services : services)
            input.overdose = clear.contains(.overdose) ? nil : (overdose ?? now.overdose)
            input.note = clear.contains(.note) ? nil : (note ?? now.note)
            input.detail = try detail.corrected(now.detail, clearOverdose: clear.contains(.overdose), clearResults: clear.contains(.results))
            // Results recorded before for tests no longer on the contact go with them (new ones are checked).
            let given = Set(try detail.parsedResults().map(\.service))
            input.detail.results.removeAll { !input.services.contains($0.service) && !given.contains($0.service) }
            let events = try s.validator.correctContact(target, idText: id, input: input, packs: newItems.isEmpty ? now.packs : [],
                                                        reason: reason, note: reasonNote, ctx: s.context(site: nil, at: nil),
                                                        known: s.knows, nearDuplicates: s.nearDuplicates, newClient: newClient)
            guard case .contactCorrected(let c)? = events.last?.body else { return }
            try s.validator.requirePlausible(c.contact.items, confirmed: confirmLarge)
            try s.save(events)
            Out.error(env.t("cli.contact.corrected", s.shortID(cid), Amending.describe(now, c.contact, env)))
            if !detail.results.isEmpty { ContactDetailOptions.printReactiveHints(c.contact, env) }
            Out.line(s.shortID(cid))
        }
    }
}
