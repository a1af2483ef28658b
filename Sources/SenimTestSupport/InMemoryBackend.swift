import SenimCore
import SenimTUI

/// Everything in memory: for tests, snapshots and the tmux harness (test support only: no
/// production module links it). Not a store: nothing is
/// written anywhere and nothing is encrypted. "Sealed" notes are opaque tokens that only this
/// object resolves (the plaintext is never in the bytes).
public final class InMemoryStore {
    public let configuration: Configuration
    public let point: String
    public private(set) var events: [Event]
    /// Time source for event contexts; tests pass a fixed clock.
    public var clock: () -> Timestamp
    /// Makes the next `save` fail with this error (fault injection in tests).
    public var failNextSave: (any Error)?
    public var accounts: [String: (role: Role, passphrase: String)]
    /// Accounts still on a one-time passphrase (added or reset by a coordinator).
    public var oneTime: Set<String> = []
    /// Psychologists holding the notes key (all sample psychologists at first).
    public var notesHolders: Set<String>
    public var createdBy: [String: (String, Timestamp)] = [:]
    public var notes: [[UInt8]: String] = [:]
    /// How many times the store was re-keyed (tests).
    public internal(set) var rekeys = 0
    public var nextID: UInt64
    public let device = DeviceID(0x5E_41_30)

    public init(configuration: Configuration, point: String, events: [Event] = [],
                accounts: [UserAccount: String], clock: @escaping () -> Timestamp, firstID: UInt64 = 1 << 40) {
        self.configuration = configuration
        self.point = point
        self.events = events
        self.clock = clock
        self.nextID = firstID
        self.accounts = Dictionary(uniqueKeysWithValues: accounts.map { ($0.key.name, ($0.key.role, $0.value)) })
        notesHolders = Set(accounts.keys.filter { $0.role == .psychologist }.map(\.name))
    }

    /// A stand-in key fingerprint (the real one comes from the keyslot's key pair).
    public static func fingerprint(_ name: String) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in name.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        let hex = String(h, radix: 16).leftPadded(16)
        return stride(from: 0, to: 16, by: 4).map { i in
            String(hex[hex.index(hex.startIndex, offsetBy: i)..<hex.index(hex.startIndex, offsetBy: i + 4)])
        }.joined(separator: "-")
    }

    /// Opens a session, or throws `tui.unlock.wrong` like a store refusing a passphrase.
    public func open(user: String, passphrase: String) throws -> InMemoryBackend {
        guard let a = accounts[user], a.passphrase == passphrase else { throw Message("tui.unlock.wrong") }
        return InMemoryBackend(store: self, user: user, role: a.role)
    }

    public func append(_ new: [Event]) { events += new }
}

/// An unlocked session on an `InMemoryStore`.
public final class InMemoryBackend: TUIBackend {
    public let store: InMemoryStore
    public private(set) var ledger: LedgerState
    public let user: String
    public let role: Role
    public var point: String { store.point }
    public var notices: [Message] = []
    public var configurationWarnings: [Message] = []

    public init(store: InMemoryStore, user: String, role: Role) {
        self.store = store
        self.user = user
        self.role = role
        ledger = LedgerState.fold(store.events, catalogue: store.configuration.catalogue, points: store.configuration.points)
    }

    /// A single-user backend over `events` (tests).
    public convenience init(configuration: Configuration, user: String, role: Role, point: String,
                            events: [Event] = [], clock: @escaping () -> Timestamp) {
        let s = InMemoryStore(configuration: configuration, point: point, events: events,
                              accounts: [UserAccount(name: user, role: role): ""], clock: clock)
        self.init(store: s, user: user, role: role)
    }

    public func context(site: String, at: Timestamp) -> Validator.Context {
        store.nextID += 2
        return Validator.Context(author: user, role: role, device: store.device, site: site, at: at,
                                 id: EventID(high: 0x7E57, low: store.nextID))
    }

    public func save(_ new: [Event]) throws {
        if let e = store.failNextSave {
            store.failNextSave = nil
            throw e
        }
        for e in new { try Policy.require(role, Policy.action(for: e.body)) }
        store.append(new)
        for e in new where !ledger.append(e) {
            ledger = LedgerState.fold(store.events, catalogue: store.configuration.catalogue,
                                      points: store.configuration.points)
            break
        }
    }

    public func sealNote(_ text: String) throws -> [UInt8] {
        try Policy.require(role, .writeConfidentialNotes)
        store.nextID += 1
        var token: [UInt8] = Array("sealed:".utf8)
        var n = store.nextID
        for _ in 0..<8 { token.append(UInt8(n & 0xFF)); n >>= 8 }
        store.notes[token] = text
        return token
    }

    public func openNote(_ sealed: [UInt8]) throws -> String {
        try Policy.require(role, .readConfidentialNotes)
        guard store.notesHolders.contains(user) else { throw Message("store.notes.noKey") }
        guard let t = store.notes[sealed] else { throw Message("tui.error.noteUnreadable") }
        return t
    }

    public func userAccounts() throws -> [UserAccount] {
        store.accounts.map { UserAccount(name: $0.key, role: $0.value.role, lastNotesHolder: isLastHolder($0.key)) }.sorted { $0.name < $1.name }
    }

    public func addUser(name: String, role: Role, passphrase: String) throws {
        try Policy.require(self.role, .manageUsers)
        guard Validator.isValidUserName(name) else { throw Message("validate.user.name", PrivacyGuard.echo(name)) }
        guard store.accounts[name] == nil else { throw Message("tui.users.exists", PrivacyGuard.echo(name)) }
        store.accounts[name] = (role, passphrase)
        store.oneTime.insert(name)
        store.createdBy[name] = (user, store.clock())
        let ctx = context(site: point, at: store.clock())
        try save([Event(id: ctx.id, at: ctx.at, author: user, device: ctx.device, site: point, body: .userAdded(name: name, role: role))])
    }

    public func removeUser(name: String, force: Bool) throws {
        try Policy.require(role, .manageUsers)
        guard name != user else { throw Message("tui.users.removeSelf") }
        if isLastHolder(name) && !force { throw Message("store.notes.lastHolder", name) }
        store.notesHolders.remove(name)
        guard store.accounts.removeValue(forKey: name) != nil else { throw Message("tui.users.unknown", PrivacyGuard.echo(name)) }
        let ctx = context(site: point, at: store.clock())
        try save([Event(id: ctx.id, at: ctx.at, author: user, device: ctx.device, site: point, body: .userRemoved(name: name))])
    }

    public func isLastHolder(_ name: String) -> Bool { store.notesHolders == [name] }

    public func resetPassphrase(name: String, to passphrase: String, force: Bool) throws {
        try Policy.require(role, .manageUsers)
        guard store.accounts[name] != nil else { throw Message("tui.users.unknown", name) }
        if isLastHolder(name) && !force { throw Message("store.notes.lastHolder", name) }
        store.accounts[name]?.passphrase = passphrase
        store.oneTime.insert(name)
        store.notesHolders.remove(name)
    }

    public func rekey() throws {
        try Policy.require(role, .manageUsers)
        store.rekeys += 1
    }

    public func changePassphrase(from current: String, to passphrase: String) throws {
        guard store.accounts[user]?.passphrase == current else { throw Message("store.passphrase.currentWrong") }
        store.accounts[user]?.passphrase = passphrase
        store.oneTime.remove(user)
    }

    public var mustChangePassphrase: Bool { store.oneTime.contains(user) }
    public var keyFingerprint: String { InMemoryStore.fingerprint(user) }

    public func notesAccounts() throws -> [NotesAccount] {
        try Policy.require(role, .readConfidentialNotes)
        return store.accounts.filter { $0.value.role == .psychologist }.keys.sorted().map { n in
            NotesAccount(name: n, holdsKey: store.notesHolders.contains(n), mustChangePassphrase: store.oneTime.contains(n),
                        createdBy: store.createdBy[n]?.0 ?? "", createdAt: store.createdBy[n]?.1 ?? 0,
                        fingerprint: InMemoryStore.fingerprint(n))
        }
    }

    /// Nothing to release: the store lives in memory.
    public func close() {}

    public func grantNotes(to name: String) throws {
        try Policy.require(role, .readConfidentialNotes)
        guard store.notesHolders.contains(user) else { throw Message("store.notes.noKey") }
        guard store.accounts[name]?.role == .psychologist else { throw Message("store.notes.notPsychologist", name) }
        guard !store.oneTime.contains(name) else { throw Message("store.notes.oneTime", name) }
        store.notesHolders.insert(name)
    }
}

private extension String {
    func leftPadded(_ n: Int) -> String { count >= n ? self : String(repeating: "0", count: n - count) + self }
}
