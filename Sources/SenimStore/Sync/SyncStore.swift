import SenimCore

/// What the sync engine needs from an open store. The encrypted store's `Session` conforms
/// (see `Session+Sync.swift`); tests use an in-memory implementation.
public protocol SyncStore: AnyObject {
    /// Every event in the store (any order).
    func events() throws -> [Event]
    /// Every event in the store, each id once, in an order that is the same on every call while
    /// the store is unchanged (export walks it three times): `matching` sees each one's id and
    /// bucket, and those it accepts are handed to `body`. The encrypted store streams its
    /// snapshot chunk by chunk and decodes only what `matching` accepts; default: `events()`.
    func forEachEvent(matching: (EventID, Holdings.Bucket) -> Bool, _ body: (Event) throws -> Void) throws
    /// Set union by event id in one durable write; refolds the ledger. An event whose id the
    /// store already has is ignored (the stored version is kept). Returns how many were new and
    /// how many the store already had.
    func importEvents(_ events: [Event]) throws -> (new: Int, known: Int)
    /// Encrypted, store-local settings that never sync.
    func localValue(_ key: String) -> [UInt8]?
    func setLocalValue(_ key: String, _ value: [UInt8]?) throws
    var ledger: LedgerState { get }
    /// The signed-in user's role.
    var role: Role { get }
    /// This store's trust point id.
    var point: String { get }
    var configuration: Configuration { get }
    /// Whether the store holds an event with this id (default: not known, so every check runs).
    func hasEvent(_ id: EventID) -> Bool
    /// The `userAdded` events this store holds: who is who on which store, for the import's
    /// author check (default: filtered from `events()`).
    func userEvents() throws -> [Event]
    /// This store's sync identity with its private keys (nil: none yet). Only a coordinator's
    /// session can open it: anyone else gets `SyncError.coordinatorsOnly`. (Default: kept in the
    /// local values, for in-memory test stores.)
    func syncIdentity() throws -> SyncIdentity?
    /// Keeps a newly made identity (coordinators; never replaces one).
    func saveSyncIdentity(_ identity: SyncIdentity) throws
    /// The identity's public key, for every user (nil: none yet).
    func syncPublicKey() -> PeerKey?
    /// Replaces the identity with a new one (a coordinator who holds the current one).
    func replaceSyncIdentity(_ identity: SyncIdentity) throws
}

extension SyncStore {
    public func hasEvent(_ id: EventID) -> Bool { false }

    public func forEachEvent(matching: (EventID, Holdings.Bucket) -> Bool, _ body: (Event) throws -> Void) throws {
        var seen = Set<EventID>()
        for e in try events() where seen.insert(e.id).inserted && matching(e.id, Holdings.Bucket(e)) { try body(e) }
    }

    /// Every event (`forEachEvent(matching:_:)` accepting all).
    public func forEachEvent(_ body: (Event) throws -> Void) throws {
        try forEachEvent(matching: { _, _ in true }, body)
    }

    public func syncIdentity() throws -> SyncIdentity? {
        guard role == .coordinator else { throw SyncError.coordinatorsOnly }
        guard let b = localValue(SyncEngine.identityKey) else { return nil }
        return try SyncIdentity(serialized: b)
    }

    public func saveSyncIdentity(_ identity: SyncIdentity) throws {
        guard role == .coordinator else { throw SyncError.coordinatorsOnly }
        try setLocalValue(SyncEngine.identityKey, identity.serialized)
    }

    public func syncPublicKey() -> PeerKey? {
        localValue(SyncEngine.identityKey).flatMap { try? SyncIdentity(serialized: $0).publicKey }
    }

    public func replaceSyncIdentity(_ identity: SyncIdentity) throws {
        guard role == .coordinator else { throw SyncError.coordinatorsOnly }
        try setLocalValue(SyncEngine.identityKey, identity.serialized)
    }

    public func userEvents() throws -> [Event] {
        try events().filter { if case .userAdded = $0.body { true } else { false } }
    }
}
