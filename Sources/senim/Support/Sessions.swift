import Foundation
import SenimCore

extension GlobalOptions {
    /// Unlocks the store with your name and passphrase. An account still on a one-time
    /// passphrase (set by a coordinator) may do nothing but `senim passwd`: every other
    /// command stops here with exit status 77.
    func openSession(allowOneTime: Bool = false, readOnly: Bool = false) throws -> (CLIEnvironment, any StoreSession, passphrase: String) {
        let env = try environment()
        let dir = storeURL
        guard StoreBridge.exists(at: dir) else {
            throw CLIFailure(Message("cli.store.none", dir.path), .noInput)
        }
        let user = try userName()
        let pass = try passphrase(for: user)
        let session = try StoreBridge.open(at: dir, user: user, passphrase: pass, configuration: env.configuration, readOnly: readOnly)
        if session.mustChangePassphrase && !allowOneTime {
            session.close()
            throw CLIFailure(Message("store.passphrase.mustChange"), .noPermission)
        }
        for n in session.notices { Out.error(env.text(n)) }
        for w in session.configurationWarnings { Out.error(env.t("config.warning", env.text(w))) }
        return (env, session, pass)
    }

    /// Runs `body` with an unlocked store and always closes it (releasing the lock).
    func withSession<T>(_ body: (CLIEnvironment, any StoreSession) throws -> T) throws -> T {
        let (env, session, _) = try openSession()
        defer { session.close() }
        return try body(env, session)
    }

    /// The same for commands that only read: the store is opened read-only, so nothing on
    /// disk changes (not even a torn last write being dropped), whatever happens.
    func withReadSession<T>(_ body: (CLIEnvironment, any StoreSession) throws -> T) throws -> T {
        let (env, session, _) = try openSession(readOnly: true)
        defer { session.close() }
        return try body(env, session)
    }
}

extension StoreSession {
    /// Whether a client code is registered (or otherwise known) here.
    func knows(_ uic: UIC) -> Bool { ledger.clientIndex[uic] != nil }

    func nearDuplicates(_ uic: UIC) -> [UIC] {
        DuplicateFinder.similar(to: uic, in: ledger, formula: validator.formula)
    }

    /// The short form of an id that is unique among this store's records (printed everywhere).
    func shortID(_ id: EventID) -> String { ShortIDs.short(id, among: ledger.recordIDs) }

    /// The short form printed when a record is made (10 digits or more, see `ShortIDs`).
    func newID(_ id: EventID) -> String { ShortIDs.short(id, among: ledger.recordIDs, minimum: ShortIDs.minimumWhenMade) }

    /// Short forms for printing many ids (sorts the store's ids once).
    func shortIDs() -> ShortIDs { ShortIDs(ledger.recordIDs) }

    /// The code `uic` is merged into, if it is.
    func mergedInto(_ uic: UIC) -> UIC? {
        guard let i = ledger.clientIndex[uic], ledger.clients[Int(i)].mergedInto != nil else { return nil }
        return ledger.clients[Int(ledger.canonical(i))].uic
    }

    func canonical(_ uic: UIC) -> UIC {
        guard let i = ledger.clientIndex[uic] else { return uic }
        return ledger.clients[Int(ledger.canonical(i))].uic
    }
}
