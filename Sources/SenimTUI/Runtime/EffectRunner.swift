import Foundation
import SenimCore

/// Performs effects against the backend and turns the results into messages. Holds the
/// unlocked backend; dropping it (lock, quit) closes the session. No terminal involved, so
/// tests drive the whole loop with `InMemoryBackend`.
///
/// Slow effects (`Effect.job`: unlock, re-key, backup, verify, bundle export and import) are
/// *jobs*. With `jobs: .background` (the app) a job runs on its own thread (`JobThread`) and
/// reports progress and its result through a mailbox the UI loop drains with `poll`; while it
/// runs, every other effect waits, in order, until it ends — so only one thread at a time
/// touches the backend. With `jobs: .inline` (the default, for tests) a job runs at once on
/// the caller's thread and its progress and result are dispatched in order, as before.
public final class EffectRunner {
    public enum JobMode: Sendable { case inline, background }

    public private(set) var backend: (any TUIBackend)?
    let configuration: Configuration
    let validator: Validator
    let unlock: (String, String) throws -> any TUIBackend
    let clock: () -> Timestamp
    let writeFile: (String, String) throws -> String
    let jobMode: JobMode
    private let jobThread = JobThread()
    /// A background job is running (UI thread only).
    public private(set) var jobRunning = false
    /// Effects asked for while a job runs, performed in order once it ends (UI thread only).
    private var deferred: [Effect] = []

    /// `writeFile(name, content)` creates a new file and returns its path.
    public init(configuration: Configuration, unlock: @escaping (String, String) throws -> any TUIBackend,
                clock: @escaping () -> Timestamp,
                writeFile: @escaping (String, String) throws -> String = EffectRunner.writeNewFile,
                jobs: JobMode = .inline) {
        self.configuration = configuration
        self.validator = Validator(configuration)
        self.unlock = unlock
        self.clock = clock
        self.writeFile = writeFile
        self.jobMode = jobs
    }

    /// Whether the loop should poll often (a job runs, or effects wait for one).
    public var isBusy: Bool { jobRunning || !deferred.isEmpty }

    /// The work of a job effect (nil for the others). Called on the UI thread; what it captures
    /// is used on the job thread, what it returns runs on the UI thread.
    func work(for e: Effect) -> JobThread.Work? {
        switch e {
        case .unlock(let user, let passphrase):
            // The old session closes here, on the UI thread, before the job starts.
            backend?.close()
            backend = nil
            let open = unlock
            return { _ in
                do {
                    let b = try open(user, passphrase)
                    return { [weak self] in self?.adopt(b) }
                } catch {
                    let message = Message.from(error)
                    return { .unlockFailed(message) }
                }
            }
        case .rekey:
            return onBackend { b, _ in
                try b.rekey()
                return .done(Message("tui.users.rekeyed"))
            }
        case .backup(let path):
            return onBackend { b, progress in .backedUp(try b.backup(to: path, progress: progress)) }
        case .verify:
            return onBackend { b, progress in .verified(try b.verifyStore(progress: progress)) }
        case .exportBundle(let peer, let path):
            return onBackend { b, _ in
                let lines = try b.exportBundle(for: peer, to: path)
                return .syncExported(lines, try? b.syncOverview())
            }
        case .importBundle(let path):
            return onBackend { b, progress in
                let lines = try b.importBundle(from: path, progress: progress)
                return .syncImported(lines, try? b.syncOverview())
            }
        default:
            return nil
        }
    }

    /// A job on the open backend: `body` runs on the job thread and makes the message the UI
    /// thread receives; a thrown error becomes `.failed` with its message, no backend `.failed`
    /// "locked".
    private func onBackend(_ body: @escaping (any TUIBackend, @escaping (Int, Int) -> Void) throws -> Msg) -> JobThread.Work {
        guard let b = backend else { return { _ in { .failed(Message("tui.error.locked")) } } }
        return { progress in
            let msg: Msg
            do { msg = try body(b, progress) } catch { msg = .failed(Message.from(error)) }
            return { msg }
        }
    }

    /// Takes a freshly opened backend (UI thread).
    func adopt(_ b: any TUIBackend) -> Msg {
        backend = b
        let source = LedgerSource { [weak b] in b?.ledger ?? LedgerState() }
        return .unlocked(SessionInfo(user: b.user, role: b.role, point: userPoint(b), source: source, notices: b.notices + b.configurationWarnings,
                                     mustChangePassphrase: b.mustChangePassphrase, keyFingerprint: b.keyFingerprint,
                                     storePoint: b.point))
    }

    /// The signed-in user's trust point: their own (`user-point-set`), else the store's.
    func userPoint(_ b: TUIBackend) -> String { validator.point(ofUser: b.user, in: b.ledger, storePoint: b.point) }

    public func perform(_ e: Effect) -> Msg? {
        switch e {
        case .unlock, .rekey, .backup, .verify, .exportBundle, .importBundle:
            // A job performed at once on this thread (progress is not reported).
            guard let work = work(for: e) else { return nil }
            return work { _, _ in }()
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
        case .loadSync:
            guard let b = backend else { return nil }
            do { return .syncLoaded(try b.syncOverview()) } catch { return .failed(Message.from(error)) }
        case .trustPeer(let name, let line):
            guard let b = backend else { return .failed(Message("tui.error.locked")) }
            do {
                let said = try b.trustPeer(name: name, line: line)
                return .syncChanged(said, try? b.syncOverview())
            } catch {
                return .failed(Message.from(error))
            }
        case .untrustPeer(let name):
            guard let b = backend else { return .failed(Message("tui.error.locked")) }
            do {
                let said = try b.untrustPeer(name)
                return .syncChanged(said, try? b.syncOverview())
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
    /// While a background job runs, effects are kept and performed when it ends (`poll`).
    public func dispatch(_ model: inout Model, _ msg: Msg, before: (Effect, Model) -> Void = { _, _ in }) {
        var queue = [msg]
        while !queue.isEmpty {
            let next = queue.removeFirst()
            for e in Update.update(&model, next) {
                before(e, model)
                if jobRunning {
                    deferred.append(e)
                } else {
                    queue += start(e)
                }
            }
        }
    }

    /// Performs `e`: a job inline (its progress, then its result) or on the job thread (nothing
    /// now; `poll` delivers the rest), any other effect at once.
    private func start(_ e: Effect) -> [Msg] {
        guard let work = work(for: e) else { return perform(e).map { [$0] } ?? [] }
        switch jobMode {
        case .inline:
            var progress: [Msg] = []
            let finish = work { done, total in progress.append(.jobProgress(done: done, total: total)) }
            return progress + (finish().map { [$0] } ?? [])
        case .background:
            jobRunning = true
            jobThread.start(work)
            return []
        }
    }

    /// Delivers what the running job reported since the last call (UI thread; the loop calls it
    /// on every turn). When the job has ended, its result is dispatched, then the effects that
    /// waited for it, in order. Returns whether anything arrived.
    @discardableResult
    public func poll(_ model: inout Model, before: (Effect, Model) -> Void = { _, _ in }) -> Bool {
        let items = jobThread.take()
        for item in items {
            switch item {
            case .progress(let done, let total):
                dispatch(&model, .jobProgress(done: done, total: total), before: before)
            case .finished(let finish):
                jobRunning = false
                if let msg = finish() { dispatch(&model, msg, before: before) }
                while !jobRunning, !deferred.isEmpty {
                    let e = deferred.removeFirst()
                    for reply in start(e) { dispatch(&model, reply, before: before) }
                }
            }
        }
        return !items.isEmpty
    }

    /// Blocks until the running job ends, then delivers everything (quitting, tests).
    public func waitForJob(_ model: inout Model) {
        while jobRunning {
            jobThread.wait()
            poll(&model)
        }
    }

    /// Ends the session for good: waits for a running job (a job stopped halfway would be a
    /// crash for the store), then closes the backend.
    public func shutdown() {
        if jobRunning {
            jobThread.wait()
            // A session the job opened is adopted so that it is closed below.
            for case .finished(let finish) in jobThread.take() { _ = finish() }
        }
        jobRunning = false
        deferred = []
        backend?.close()
        backend = nil
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
