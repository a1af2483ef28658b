import SenimCore

public enum ScreenID: String, CaseIterable, Sendable, Hashable {
    case home, contact, clients, referrals, stock, reports, users, settings, notes
    /// Likely duplicate codes, side by side, for merging (coordinators).
    case duplicates
}

/// A line for the status bar; rendered in the current language at paint time.
public struct Status: Hashable, Sendable {
    public enum Kind: Sendable, Hashable { case info, success, warning, error }
    public var message: Message
    public var kind: Kind
    public init(_ message: Message, _ kind: Kind = .info) {
        self.message = message
        self.kind = kind
    }
}

/// The whole state of the TUI. `update` is the only thing that changes it; `View` paints it.
public struct Model: Sendable {
    public var config: Configuration
    public var validator: Validator
    public var language: Language
    /// The user's colour setting; `noColor` (the NO_COLOR environment variable) overrides it.
    public var colour: Bool
    public var noColor: Bool
    public var width: Int
    public var height: Int
    /// The last clock tick (seconds since 1970 UTC) and the local offset from UTC.
    public var now: Timestamp
    public var utcOffset: Int
    public var lastActivity: Timestamp
    public var autoLockMinutes: Int

    /// nil while locked.
    public var session: SessionInfo?
    public var unlock: UnlockState
    public var screen: ScreenID = .home
    public var home = HomeState()
    public var contact: ContactForm
    public var clients = ClientsState()
    public var referrals = ReferralsState()
    public var stock = StockState()
    public var reports = ReportsState()
    public var users = UsersState()
    public var duplicates = DuplicatesState()
    public var settings = SettingsState()
    public var notesAccess = NotesAccessState()
    public var dialog: Dialog?
    /// The help overlay and its scroll position.
    public var help: Int?
    public var status: Status?
    /// Set when the user asked to quit; the runtime stops.
    public var quitting = false

    public static let minWidth = 80
    public static let minHeight = 24

    public init(config: Configuration, language: Language, initialUser: String? = nil, now: Timestamp = 0,
                utcOffset: Int = 0, width: Int = 80, height: Int = 24, noColor: Bool = false) {
        self.config = config
        self.validator = Validator(config)
        self.language = language
        self.colour = true
        self.noColor = noColor
        self.width = width
        self.height = height
        self.now = now
        self.utcOffset = utcOffset
        self.lastActivity = now
        self.autoLockMinutes = 5
        self.unlock = UnlockState(user: initialUser)
        self.contact = ContactForm(catalogue: config.catalogue, type: 0)
    }

    public var isLocked: Bool { session == nil }
    public var role: Role? { session?.role }
    public var tooSmall: Bool { width < Self.minWidth || height < Self.minHeight }
    public var usesColour: Bool { colour && !noColor }

    /// A TUI string in the current language.
    public func t(_ key: String, _ args: String...) -> String { config.strings.t(key, language, args) }
    public func text(_ m: Message) -> String { m.text(config.strings, language) }

    /// Today's local day number.
    public var today: DayNumber { Clock.day(now, utcOffset) }

    /// A validator context for checking drafts before the runtime saves them.
    func provisionalContext() -> Validator.Context? {
        guard let s = session else { return nil }
        return Validator.Context(author: s.user, role: s.role, device: DeviceID(0), site: s.point, at: now,
                                 id: EventID(high: 0, low: 2))
    }
}

public struct UnlockState: Hashable, Sendable {
    public var user: TextField
    public var passphrase = TextField(maxLength: 256, masked: true)
    /// 0: user name, 1: passphrase.
    public var focus: Int
    public var failures = 0
    /// No attempt is accepted before this time (grows after repeated wrong passphrases).
    public var retryAt: Timestamp?
    public var busy = false
    public var error: Message?

    public init(user: String?) {
        self.user = TextField(user ?? "", maxLength: 32)
        focus = (user ?? "").isEmpty ? 0 : 1
    }

    /// Free tries before delays start, and the delay after the n-th failure beyond them:
    /// 5 s, 10 s, 20 s, … up to 5 minutes.
    public static let freeTries = 3
    public static func delay(afterFailures n: Int) -> Int {
        guard n >= freeTries else { return 0 }
        return min(300, 5 << min(6, n - freeTries))
    }
}

/// The new-contact form: the screen outreach workers use most.
public struct ContactForm: Hashable, Sendable {
    public enum Section: Int, CaseIterable, Sendable, Hashable { case code, items, services, overdose, type, note }

    public var code = TextField(maxLength: 24)
    /// The client the code resolved to (known, or confirmed as new).
    public var resolved: UIC?
    public var isNew = false
    /// Known codes starting with what was typed (live matches) and, for a complete unknown
    /// code, codes one typo away.
    public var matches: [UIC] = []
    public var near: [UIC] = []
    public var matchIndex = 0
    public var section: Section = .code
    /// Quantity per catalogue item (catalogue order).
    public var quantities: [Int]
    /// Packs picked, in order, with repeats.
    public var packs: [String] = []
    /// Services given during this contact ("given today").
    public var services: [Bool]
    /// Services the client is referred to; each becomes a referral saved with the contact.
    public var referred: [Bool]
    /// Index into the catalogue's overdose outcomes, or -1 for none.
    public var overdose = -1
    /// With an overdose (`d` on its line): index into `OverdoseKind.allCases` or -1, and who
    /// came (one flag per `Responder.allCases`).
    public var overdoseKind = -1
    public var responders = [Bool](repeating: false, count: Responder.allCases.count)
    /// The code came from the code builder: a new client is asked for their profile next.
    public var fromBuilder = false
    /// A new client's profile from the code builder, saved with the contact (after the registration).
    public var profile: ClientProfile?
    /// Rapid test result per catalogue service (`d` on a ticked test): index into
    /// `TestResult.allCases`, or -1 for none.
    public var results: [Int]
    public var type: Int
    public var note = TextField(maxLength: 2000)
    public var itemCursor = 0
    public var serviceCursor = 0
    /// Set while the form edits an existing contact: saving records a correction of it.
    public var correcting: EventID?
    /// Where the edit started (Home's today list or the client card): saving goes back there.
    public var returnTo: ScreenID?
    /// The user confirmed quantities above the usual maximum for this save.
    public var confirmedLarge = false
    /// Set once the worker moves to an item: digits then type its quantity instead of adding
    /// packs. `typingQuantity` is set after the first digit, so the next ones append.
    public var itemPicked = false
    public var typingQuantity = false

    public init(catalogue: Catalogue, type: Int) {
        quantities = Array(repeating: 0, count: catalogue.items.count)
        services = Array(repeating: false, count: catalogue.services.count)
        referred = Array(repeating: false, count: catalogue.services.count)
        results = Array(repeating: -1, count: catalogue.services.count)
        self.type = type
    }

    /// The details as the contact will record them: kind and who came only with an outcome,
    /// results only for tests given today.
    public func detail(_ catalogue: Catalogue) -> ContactDetail {
        var d = ContactDetail()
        if overdose >= 0 {
            d.overdoseKind = OverdoseKind.allCases.indices.contains(overdoseKind) ? OverdoseKind.allCases[overdoseKind] : nil
            d.responders = zip(Responder.allCases, responders).filter(\.1).map(\.0)
        }
        for (i, r) in results.enumerated() where r >= 0 && services[i] && TestResult.allCases.indices.contains(r) {
            d.results.append(ServiceResult(service: catalogue.services[i].id, result: TestResult.allCases[r]))
        }
        return d
    }

    /// Whether anything was entered that saving would record (so leaving asks first).
    public var isDirty: Bool {
        !code.isEmpty || quantities.contains { $0 > 0 } || services.contains(true) || referred.contains(true) || overdose >= 0 || !note.isEmpty
    }
}

/// The home screen's panels: none focused (the menu keys work), or one with a selected row.
public enum HomePanel: Int, CaseIterable, Sendable, Hashable { case contacts, referrals, alerts }

public struct HomeState: Hashable, Sendable {
    public var focus: HomePanel?
    public var selection = 0
}

public struct ClientsState: Hashable, Sendable {
    public var search = TextField(maxLength: 24)
    public var searching = false
    public var selection = 0
    /// The open client card, if any, and its scroll offset.
    public var card: UIC?
    public var cardScroll = 0
    /// The contact picked on the card (0: the newest) for editing or voiding.
    public var cardSelection = 0
}

public enum ReferralFilter: String, CaseIterable, Sendable, Hashable {
    case open, all, issued, accompanied, attended, declined, lost
}

public enum DueFilter: String, CaseIterable, Sendable, Hashable {
    case any, overdue, week
}

public struct ReferralsState: Hashable, Sendable {
    public var filter: ReferralFilter = .open
    public var due: DueFilter = .any
    public var selection = 0
    public var detail: EventID?
    /// Opened confidential notes (psychologists only; forgotten on lock).
    public var notes: [EventID: [String]] = [:]
}

public enum StockTab: String, CaseIterable, Sendable, Hashable { case levels, movements, transit }

public struct StockState: Hashable, Sendable {
    public var tab: StockTab = .levels
    /// The site shown (coordinators can look at other points); nil = the user's point.
    public var site: String?
    public var selection = 0
}

public struct ReportsState: Hashable, Sendable {
    /// The period shown; nil = the current month.
    public var period: ReportPeriod?
    /// Index into the scopes the role may see (see `ReportScreen.scopes`).
    public var scope = 0
    /// The breakdown shown beside the totals (sex, age, point, worker, contact type), if any.
    public var by: Disaggregation?
    public var selection = 0
}

public struct DuplicatesState: Hashable, Sendable {
    public var selection = 0
    /// Swaps which code survives the merge from the suggested one.
    public var flipped = false
}

public struct UsersState: Hashable, Sendable {
    public var accounts: [UserAccount] = []
    public var selection = 0
}

/// The Notes access screen (peer psychologists): who holds the notes key, who waits.
public struct NotesAccessState: Hashable, Sendable {
    public var rows: [NotesAccount] = []
    public var selection = 0
}

public struct SettingsState: Hashable, Sendable {
    public var selection = 0
}

// MARK: Dialogs

public enum Dialog: Hashable, Sendable {
    case confirm(Confirm)
    case builder(Builder)
    case form(Form)
    case stocktake(Stocktake)
}

/// A stocktake as one sheet: the counted number typed beside each catalogue item, saved once.
/// Items left blank are not counted.
public struct Stocktake: Hashable, Sendable {
    public var counted: [TextField]
    /// The item under the cursor, or -1: the "When" field above the items (late entry).
    public var cursor = 0
    /// When the count was made; `atOpened` is what it showed at first (left as it was: now).
    public var at = TextField(maxLength: 16)
    public var atOpened = ""
    public var error: Message?
    /// Set by a first Esc with numbers typed; a second Esc discards them.
    public var confirmDiscard = false
    public init(items: Int) { counted = Array(repeating: TextField(maxLength: 7), count: items) }
    public var isDirty: Bool { counted.contains { !$0.isEmpty } }
}

public enum ConfirmAction: Hashable, Sendable {
    /// `similar` are the codes offered instead (digits 1… pick one).
    case newClient(UIC, similar: [UIC])
    /// Merge `from` into `into` (the second survives).
    case merge(from: UIC, into: UIC)
    case quit
    case discardContact(then: ScreenID)
    case removeUser(String)
    /// Save the contact form although some quantities are above their usual maximum.
    case largeQuantities
    /// Void a record (contact, stock movement) for this reason.
    case void(EventID, AmendReason, String?)
    /// Receive a lot that is expired or expires within 30 days (the form stays open on "no").
    case expiringLot(Form, Draft)
    case resetPassphrase(String, passphrase: String)
    case grantNotes(String)
    /// Re-key the store (offered right after removing a user).
    case rekey
}

public struct Confirm: Hashable, Sendable {
    public var title: Message
    public var lines: [Message]
    public var action: ConfirmAction
    /// Destructive confirmations start on "No".
    public var yesFocused: Bool
}

/// The UIC builder: asks the formula's questions and keeps only the resulting code.
public struct Builder: Hashable, Sendable {
    public var answers: [TextField]
    public var focus = 0
    public var error: Message?
    public init(questions: Int) { answers = Array(repeating: TextField(maxLength: 40), count: questions) }
}

public enum FormKind: Hashable, Sendable {
    case receive, transfer, writeOff, count
    case issueReferral
    case updateReferral(EventID)
    case confidentialNote(EventID)
    case addUser
    case changePassphrase
    case resetPassphrase(String)
    case reportPeriod
    case reportExport
    /// Why a record is voided (the confirmation follows).
    case void(EventID)
    /// Why the contact on the contact form is corrected (saving follows).
    case correctionReason
    case incident
    case activity
    case profile(UIC)
    /// The overdose's kind and who came, for the contact form (nothing is saved by it).
    case overdoseDetail
    /// A rapid test's result on the contact form (catalogue service index).
    case testResult(Int)
    /// A new client's profile in the code-builder flow (kept on the contact form, saved with it).
    case newClientProfile(UIC)
}

/// A label either from the TUI strings, from a localised catalogue name, or verbatim.
public enum Label: Hashable, Sendable {
    case key(String)
    case text(LocalizedText)
    case raw(String)
}

public struct Choice: Hashable, Sendable {
    public var id: String
    public var label: Label
    public init(_ id: String, _ label: Label) {
        self.id = id
        self.label = label
    }
}

public enum FieldValue: Hashable, Sendable {
    case text(TextField, numeric: Bool)
    case choice([Choice], Int)
}

public struct FormField: Hashable, Sendable {
    public var id: String
    /// A TUI string key.
    public var label: String
    public var value: FieldValue
    public init(_ id: String, _ label: String, _ value: FieldValue) {
        self.id = id
        self.label = label
        self.value = value
    }

    public var string: String {
        switch value {
        case .text(let t, _): return t.text
        case .choice(let cs, let i): return cs.indices.contains(i) ? cs[i].id : ""
        }
    }
}

/// A small generic form (stock movements, referrals, users, passphrase).
public struct Form: Hashable, Sendable {
    public var kind: FormKind
    public var title: String
    public var fields: [FormField]
    public var focus = 0
    public var error: Message?
    /// What each field showed when the form opened (`Forms.opened`): a "When" left as it was
    /// means now.
    public var opened: [String: String] = [:]
    public init(kind: FormKind, title: String, fields: [FormField]) {
        self.kind = kind
        self.title = title
        self.fields = fields
    }
    public func value(_ id: String) -> String { fields.first { $0.id == id }?.string ?? "" }
}
