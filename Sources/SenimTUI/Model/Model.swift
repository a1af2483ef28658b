import SenimCore

public enum ScreenID: String, CaseIterable, Sendable, Hashable {
    case home, contact, clients, referrals, stock, reports, users, settings, notes
    /// Likely duplicate codes, side by side, for merging (coordinators).
    case duplicates
    /// Backup and verify (coordinators).
    case store
    /// Sync identity, trusted peers, bundles (coordinators).
    case sync
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
    public var store = StoreState()
    public var sync = SyncState()
    /// A background job in progress (see `Busy`); nil when none.
    public var busy: Busy?
    /// The panic key was pressed while an unlock was running: the store it opens is closed
    /// at once instead of shown.
    public var unlockCancelled = false
    /// Keys typed while the store was being unlocked, handled once it is open (as a terminal
    /// buffers them); dropped if the unlock fails. At most `typeAheadLimit`.
    public var typeAhead: [Key] = []
    public static let typeAheadLimit = 64
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
