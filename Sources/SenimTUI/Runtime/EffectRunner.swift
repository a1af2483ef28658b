import Foundation
import SenimCore

/// Performs effects against the backend and turns the results into messages. Holds the
/// unlocked backend; dropping it (lock, quit) closes the session. No terminal involved, so
/// tests drive the whole loop with `InMemoryBackend`.
public final class EffectRunner {
    public private(set) var backend: (any TUIBackend)?
    let configuration: Configuration
    let validator: Validator
    let unlock: (String, String) throws -> any TUIBackend
    let clock: () -> Timestamp
    let writeFile: (String, String) throws -> String

    /// `writeFile(name, content)` creates a new file and returns its path.
    public init(configuration: Configuration, unlock: @escaping (String, String) throws -> any TUIBackend,
                clock: @escaping () -> Timestamp,
                writeFile: @escaping (String, String) throws -> String = EffectRunner.writeNewFile) {
        self.configuration = configuration
        self.validator = Validator(configuration)
        self.unlock = unlock
        self.clock = clock
        self.writeFile = writeFile
    }

    /// The signed-in user's trust point: their own (`user-point-set`), else the store's.
    func userPoint(_ b: TUIBackend) -> String { validator.point(ofUser: b.user, in: b.ledger, storePoint: b.point) }

    public func perform(_ e: Effect) -> Msg? {
        switch e {
        case .unlock(let user, let passphrase):
            do {
                backend?.close()
                backend = nil
                let b = try unlock(user, passphrase)
                backend = b
                let source = LedgerSource { [weak b] in b?.ledger ?? LedgerState() }
                return .unlocked(SessionInfo(user: b.user, role: b.role, point: userPoint(b), source: source, notices: b.notices + b.configurationWarnings,
                                             mustChangePassphrase: b.mustChangePassphrase, keyFingerprint: b.keyFingerprint,
                                             storePoint: b.point))
            } catch {
                return .unlockFailed(Message.from(error))
            }
        case .lock, .quit:
            backend?.close()
            backend = nil
            return nil
        case .save(let d):
            guard let b = backend else { return .failed(Message("tui.error.locked")) }
            do {
                // A late entry (a form's date field) is checked against the clock here too.
                let now = clock()
                if let t = d.time { try Validator.checkTime(t, now: now) }
                let at = d.time ?? now
                let site = userPoint(b)
                let ctx = b.context(site: site, at: at)
                let events = try d.events(validator: validator, ledger: b.ledger, ctx: ctx, seal: b.sealNote,
                                          fresh: { b.context(site: site, at: at) })
                try b.save(events)
                return .saved(d)
            } catch {
                return .failed(Message.from(error))
            }
        case .openNotes(let id):
            guard let b = backend, let r = b.ledger.referrals[id] else { return nil }
            do {
                return .notesOpened(id, try r.confidentialNotes.map { try b.openNote($0.sealed) })
            } catch {
                return .failed(Message.from(error))
            }
        case .loadUsers:
            guard let b = backend else { return nil }
            do { return .usersLoaded(try b.userAccounts()) } catch { return .failed(Message.from(error)) }
        case .addUser(let name, let role, let passphrase, let point):
            guard let b = backend else { return .failed(Message("tui.error.locked")) }
            do {
                // The point is checked before the account exists; recorded right after it.
                let pointEvent = try point.map { p throws(Message) in
                    try validator.setUserPoint(name, point: p, ctx: b.context(site: userPoint(b), at: clock()))
                }
                try b.addUser(name: name, role: role, passphrase: passphrase)
                if let e = pointEvent { try b.save([e]) }
                return .usersChanged(Message("tui.users.added", name), try b.userAccounts())
            } catch {
                return .failed(Message.from(error))
            }
        case .removeUser(let name, let force):
            guard let b = backend else { return .failed(Message("tui.error.locked")) }
            do {
                try b.removeUser(name: name, force: force)
                return .userRemoved(name, try b.userAccounts())
            } catch {
                return .failed(Message.from(error))
            }
        case .resetPassphrase(let name, let passphrase, let force):
            guard let b = backend else { return .failed(Message("tui.error.locked")) }
            do {
                try b.resetPassphrase(name: name, to: passphrase, force: force)
                return .usersChanged(Message("tui.users.reset", name), try b.userAccounts())
            } catch {
                return .failed(Message.from(error))
            }
        case .rekey:
            guard let b = backend else { return .failed(Message("tui.error.locked")) }
            do {
                try b.rekey()
                return .done(Message("tui.users.rekeyed"))
            } catch {
                return .failed(Message.from(error))
            }
        case .changePassphrase(let current, let new):
            guard let b = backend else { return .failed(Message("tui.error.locked")) }
            do {
                try b.changePassphrase(from: current, to: new)
                return .passphraseChanged
            } catch {
                return .failed(Message.from(error))
            }
        case .loadNotesAccess:
            guard let b = backend else { return nil }
            do { return .notesAccessLoaded(try b.notesAccounts()) } catch { return .failed(Message.from(error)) }
        case .grantNotes(let name):
            guard let b = backend else { return .failed(Message("tui.error.locked")) }
            do {
                try b.grantNotes(to: name)
                return .notesAccessChanged(Message("tui.notes.granted", name), try b.notesAccounts())
            } catch {
                return .failed(Message.from(error))
            }
        case .export(let name, let content, let notes):
            do {
                let path = try writeFile(name, content)
                return .done(notes.isEmpty ? Message("tui.reports.exported", path)
                                           : Message("tui.reports.exportedNotes", path, notes.joined(separator: " ")))
            } catch {
                return .failed(Message.from(error))
            }
        }
    }

    /// Runs `update` for `msg` and every message its effects produce, until quiet.
    /// `before` is called before each effect (the app repaints so "Unlocking…" shows).
    public func dispatch(_ model: inout Model, _ msg: Msg, before: (Effect, Model) -> Void = { _, _ in }) {
        var queue = [msg]
        while !queue.isEmpty {
            let next = queue.removeFirst()
            for e in Update.update(&model, next) {
                before(e, model)
                if let reply = perform(e) { queue.append(reply) }
            }
        }
    }

    /// Creates `name` in the current directory (never overwriting: adds -1, -2… instead),
    /// readable by the owner only.
    public static func writeNewFile(_ name: String, _ content: String) throws -> String {
        let fm = FileManager.default
        let base = URL(fileURLWithPath: fm.currentDirectoryPath)
        let stem = (name as NSString).deletingPathExtension, ext = (name as NSString).pathExtension
        for n in 0..<100 {
            let file = n == 0 ? name : "\(stem)-\(n).\(ext)"
            let url = base.appendingPathComponent(file)
            if fm.fileExists(atPath: url.path) { continue }
            guard fm.createFile(atPath: url.path, contents: Data(content.utf8), attributes: [.posixPermissions: 0o600]) else {
                throw Message("tui.error.write", url.path)
            }
            return url.path
        }
        throw Message("tui.error.write", base.appendingPathComponent(name).path)
    }
}
