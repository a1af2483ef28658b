import Foundation
import SenimCore
import SenimStore
import SenimTUI

/// The real backend of the TUI: an unlocked `SenimStore.Session`. It lives in the executable
/// (the composition root) so that SenimTUI knows only SenimCore. An adapter rather than
/// `extension Session: TUIBackend` so that no overloads are added to `Session` itself (its
/// `addUser`, `context` and `removeUser` have slightly different signatures; overloading
/// them would make calls elsewhere ambiguous).
final class SessionBackend: TUIBackend {
    let session: Session
    /// The store folder: no output path may lie inside it.
    let store: URL
    init(_ session: Session, store: URL) {
        self.session = session
        self.store = store
    }
    deinit { session.close() }

    var ledger: LedgerState { session.ledger }
    var user: String { session.user }
    var role: Role { session.role }
    var point: String { session.point }
    /// The store's notices, then what the configuration in use lacks for this store's data.
    var notices: [Message] { session.notices + session.configurationWarnings }

    func context(site: String, at: Timestamp) -> Validator.Context {
        session.context(site: site, at: Date(timeIntervalSince1970: TimeInterval(at)))
    }

    func save(_ events: [Event]) throws { try session.save(events) }
    func sealNote(_ text: String) throws -> [UInt8] { try session.sealNote(text) }
    func openNote(_ sealed: [UInt8]) throws -> String { try session.openNote(sealed) }
    func userAccounts() throws -> [UserAccount] {
        session.users().map { UserAccount(name: $0.name, role: $0.role, lastNotesHolder: session.wouldLoseLastNotesHolder($0.name)) }
    }

    func addUser(name: String, role: Role, passphrase: String) throws {
        try session.addUser(name: name, role: role, passphrase: passphrase, kdf: nil)
    }

    func removeUser(_ name: String, force: Bool) throws { try session.removeUser(name: name, force: force) }
    func resetPassphrase(_ name: String, to passphrase: String, force: Bool) throws {
        try session.resetPassphrase(name: name, to: passphrase, force: force)
    }
    func changePassphrase(from current: String, to passphrase: String) throws {
        try session.changePassphrase(from: current, to: passphrase, kdf: nil)
    }
    func rekey() throws { try session.rekey() }
    var mustChangePassphrase: Bool { session.mustChangePassphrase }
    var keyFingerprint: String { session.keyFingerprint }
    func notesAccess() throws -> [NotesAccount] { try session.notesAccounts() }
    func grantNotes(to name: String) throws { try session.grantNotes(to: name) }
    func close() { session.close() }

    // MARK: Store and sync operations (the same calls as `senim backup`, `verify`, `sync …`)

    /// A path typed in the TUI: `~` expanded, relative to the working folder.
    func url(_ path: String) -> URL { URL(fileURLWithPath: Runtime.expand(path)) }

    /// `OutputFile`'s "exists" refusal says "add --force"; the TUI has no such flag.
    func withoutForce<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let e as StoreError {
            if case .invalid(let m) = e, m.key == "store.output.exists" { throw Message("tui.output.exists", m.args.first ?? "") }
            throw e
        }
    }

    func backup(to path: String, progress: @escaping (Int, Int) -> Void) throws -> BackupOutcome {
        try Policy.require(session.role, .backup)
        let target = url(path)
        // The output-path owner first (inside the store, an existing file, a folder), then the
        // store's own backup, which checks the same again and writes atomically.
        try withoutForce {
            try OutputFile.check(target, storeDirectory: store, force: false)
            try session.backup(to: target, force: false)
        }
        let bytes = (try? FileManager.default.attributesOfItem(atPath: target.path)[.size] as? Int) ?? 0
        return BackupOutcome(path: target.standardizedFileURL.path, bytes: bytes ?? 0, events: session.eventCount)
    }

    func verifyStore(progress: @escaping (Int, Int) -> Void) throws -> VerifyOutcome {
        try Policy.require(session.role, .verify)
        let r = try session.verify()
        return VerifyOutcome(events: r.eventCount, lines: r.lines.map { .init(file: $0.file, ok: $0.ok, text: $0.text) })
    }

    func syncOverview() throws -> SyncOverview {
        let e = try SyncBridge.engine(session)
        let peers = try e.peers().map {
            SyncPeer(name: $0.name, fingerprint: $0.fingerprint,
                     status: Message("sync.peer.status", $0.name, String($0.bundlesSent), String($0.acknowledged), String($0.bundlesImported)),
                     lastSent: $0.lastExportAt, lastReceived: $0.lastImportAt)
        }
        return SyncOverview(identityLine: try e.identityLine(), fingerprint: try e.identityFingerprint(), peers: peers)
    }

    func trustPeer(name: String, line: String) throws -> Message {
        try PrivacyGuard.require(name)
        return try SyncBridge.trust(session, name: name, key: line)
    }

    func untrustPeer(_ name: String) throws -> Message { try SyncBridge.untrust(session, name: name) }

    func exportBundle(for peer: String, to path: String) throws -> [Message] {
        let target = url(path)
        return try withoutForce {
            try OutputFile.check(target, storeDirectory: store, force: false)
            return try SyncBridge.export(session, to: peer, all: false, file: target, store: store, force: false)
        }
    }

    func importBundle(from path: String, progress: @escaping (Int, Int) -> Void) throws -> [Message] {
        let file = url(path)
        guard FileManager.default.isReadableFile(atPath: file.path) else { throw Message("cli.file.missing", file.path) }
        return try SyncBridge.importBundle(session, file: file, progress: progress)
    }
}
