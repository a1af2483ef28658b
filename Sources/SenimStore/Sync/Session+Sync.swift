import SenimCore
/// The encrypted store's session is what the sync engine runs on (`SyncEngine(store: session)`):
/// `events`, `importEvents` (set union, one durable write, refold), encrypted local values,
/// `ledger`, `role`, `point` and `configuration` are all the session's own.
extension Session: SyncStore {
    public func hasEvent(_ id: EventID) -> Bool { ids.contains(id) }
}

extension SyncEngine {
    /// The engine on an open encrypted store.
    public convenience init(session: Session) { self.init(store: session) }
}
