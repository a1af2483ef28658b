import Foundation
import SenimCore
import SenimTestSupport
import Testing
@testable import SenimTUI
#if canImport(Glibc)
import Glibc
#endif

/// A coordinator's store and sync operations (issue 16) and the job machinery that runs them,
/// with unlock and re-key, off the UI loop (issue 19).
@Suite struct StoreSyncFlowTests {
    static let overview = SyncOverview(
        identityLine: "senim1:" + String(repeating: "Ab3-", count: 23),
        fingerprint: "1a2b-3c4d-5e6f-7a8b",
        peers: [SyncPeer(name: "temirtau", fingerprint: "9f8e-7d6c-5b4a-3928",
                         status: Message("sync.peer.status", "temirtau", "2", "1", "3"),
                         lastSent: Fixture.now - 86_400, lastReceived: Fixture.now - 3_600),
                SyncPeer(name: "karaganda", fingerprint: "0011-2233-4455-6677",
                         status: Message("sync.peer.status", "karaganda", "0", "0", "0"))])

    static let importSummary = [Message("sync.import.done", "4", "temirtau", "12", "3"),
                                Message("sync.import.clients", "2"),
                                Message("sync.import.conflicts", "1"),
                                Message("sync.import.transfers", "1"),
                                Message("sync.import.near", "ZAKA192 ~ ZAKA193")]

    /// A coordinator's model with a session on the sample data (pure update, no runtime).
    static func coordinator(_ language: Language = .en) -> Model {
        var d = Driver(language: language)
        d.login("bolat")
        return d.model
    }

    /// The snapshot states (SnapshotTests), reached through `update` alone: the effects are
    /// not performed, their results are sent as the runtime would.
    static func snapshotSetUp(_ name: String, _ d: inout Driver) {
        func send(_ msgs: [Msg]) { for msg in msgs { _ = Update.update(&d.model, msg) } }
        func keys(_ ks: [Key]) { send(ks.map { .key($0) }) }
        if name == "unlock-busy" {
            keys(Key.typing("aigerim-pass") + [.enter])
            send([.tick(Fixture.now + 1), .tick(Fixture.now + 1)])
            return
        }
        d.login("bolat")
        if name.hasPrefix("store") || name == "busy-backup" {
            keys([.char("b")])
        } else {
            keys([.char("y")])
            send([.syncLoaded(overview)])
        }
        switch name {
        case "store-backup-form": keys([.function(2)])
        case "store-backed-up":
            keys([.function(2), .enter])
            send([.jobProgress(done: 1, total: 1), .backedUp(BackupOutcome(path: "/media/usb/senim-2026-05-20.bak", bytes: 1_482_113, events: 5210))])
        case "store-verified-damage":
            keys([.function(3)])
            send([.verified(VerifyOutcome(events: 5208, lines: [
                .init(file: "keys", ok: true, text: "format 3, 12 keyslots (users and decoys), all intact"),
                .init(file: "keys", ok: true, text: "manifest intact: 5 users, device 3"),
                .init(file: "snapshot", ok: true, text: "4 chunks intact"),
                .init(file: "journal", ok: false, text: "40 frames intact, then frame 41 at offset 90112: does not authenticate; 2 authentic frames after it (salvage recovers them); opening refuses"),
                .init(file: "events", ok: true, text: "5208 authentic events"),
            ]))])
        case "store-backup-refused":
            keys([.function(2), .ctrl("u")] + Key.typing("/home/bolat/senim/keys") + [.enter])
            send([.failed(Message("store.output.inside", "/home/bolat/senim/keys", "/home/bolat/senim"))])
        case "busy-backup":
            keys([.function(2), .enter])
            send([.tick(Fixture.now + 2), .tick(Fixture.now + 2), .tick(Fixture.now + 3)])
        case "sync-trust-form":
            keys([.function(2)] + Key.typing("almaty") + [.tab] + Key.typing("senim1:Zx8"))
        case "sync-untrust-confirm": keys([.function(8)])
        case "sync-imported":
            keys([.function(4)] + Key.typing("/media/usb/senim-to-almaty.bundle") + [.enter])
            send([.jobProgress(done: 8, total: 8), .syncImported(importSummary, overview)])
        case "sync-import-refused":
            keys([.function(4)] + Key.typing("/media/usb/old.bundle") + [.enter])
            send([.failed(Message("sync.error.truncated"))])
        case "busy-import":
            keys([.function(4)] + Key.typing("/media/usb/senim-to-almaty.bundle") + [.enter])
            send([.jobProgress(done: 3, total: 8), .tick(Fixture.now + 75)])
        default: break
        }
    }

    // MARK: Pure update

    @Test func homeReachesStoreAndSyncForCoordinatorsOnly() {
        var m = Self.coordinator()
        #expect(Update.update(&m, .key(.char("b"))).isEmpty)
        #expect(m.screen == .store)
        _ = Update.update(&m, .key(.escape))
        #expect(m.screen == .home)
        #expect(Update.update(&m, .key(.char("y"))) == [.loadSync])
        #expect(m.screen == .sync)

        var d = Driver()
        d.login("aigerim")
        d.press(.char("b"))
        d.press(.char("y"))
        #expect(d.model.screen == .home)
        #expect(!d.effects.contains(.loadSync))
        // Routed anyway (a stale key table): refused with the policy's reason.
        _ = Screens.go(&d.model, .sync)
        #expect(d.model.screen == .home && d.model.status?.message.key == "policy.denied")
    }

    @Test func verifyRunsAsAJobAndShowsItsLines() {
        var m = Self.coordinator()
        _ = Update.update(&m, .key(.char("b")))
        let effects = Update.update(&m, .key(.function(3)))
        #expect(effects == [.verify])
        #expect(m.busy?.kind == .verify && m.busy?.fraction == nil)
        // Keys wait while the job runs; ticks turn the spinner and never auto-lock.
        #expect(Update.update(&m, .key(.escape)).isEmpty && m.screen == .store)
        #expect(Update.update(&m, .key(.function(2))).isEmpty && m.dialog == nil)
        let frame = m.busy!.frame
        #expect(Update.update(&m, .tick(m.now + 3600)).isEmpty)
        #expect(m.busy!.frame == frame + 1 && m.session != nil)
        let report = VerifyOutcome(events: 42, lines: [.init(file: "keys", ok: true, text: "manifest intact"),
                                                        .init(file: "journal", ok: false, text: "frame 3 at offset 812: damage")])
        _ = Update.update(&m, .verified(report))
        #expect(m.busy == nil)
        #expect(m.store.result == .verify(report))
        #expect(m.status?.kind == .error && m.status?.message.key == "tui.store.verifyBad")
        let screen = View.render(m).text
        #expect(screen.contains("BAD journal: frame 3 at offset 812: damage"))
        #expect(screen.contains("ok keys: manifest intact"))
    }

    @Test func backupPromptsForAPathWithADatedDefault() throws {
        var m = Self.coordinator()
        _ = Update.update(&m, .key(.char("b")))
        _ = Update.update(&m, .key(.function(2)))
        guard case .form(let f)? = m.dialog else { Issue.record("no path prompt"); return }
        #expect(f.value("path") == "senim-2026-05-20.bak")
        // An empty path is refused beside the field.
        _ = Update.update(&m, .key(.ctrl("u")))
        #expect(Update.update(&m, .key(.enter)).isEmpty)
        guard case .form(let g)? = m.dialog else { Issue.record("form closed"); return }
        #expect(g.error?.key == "tui.form.needFile" && m.busy == nil)
        for k in Key.typing("/media/usb/s.bak") { _ = Update.update(&m, .key(k)) }
        #expect(Update.update(&m, .key(.enter)) == [.backup(path: "/media/usb/s.bak")])
        #expect(m.busy?.kind == .backup)
        _ = Update.update(&m, .jobProgress(done: 250, total: 1000))
        #expect(m.busy?.fraction == 0.25)
        #expect(View.render(m).text.contains("25%"))
        _ = Update.update(&m, .backedUp(BackupOutcome(path: "/media/usb/s.bak", bytes: 48_213, events: 1234)))
        #expect(m.busy == nil && m.dialog == nil)
        let screen = View.render(m).text
        #expect(screen.contains("Backup written and checked: /media/usb/s.bak"))
        #expect(screen.contains("Size 48 KB, 1234 events."))
    }

    @Test func aRefusedBackupKeepsThePromptWithTheReason() {
        var m = Self.coordinator()
        _ = Update.update(&m, .key(.char("b")))
        _ = Update.update(&m, .key(.function(2)))
        _ = Update.update(&m, .key(.enter))
        #expect(m.busy?.kind == .backup)
        let refusal = Message("store.output.inside", "/data/store/keys", "/data/store")
        _ = Update.update(&m, .failed(refusal))
        #expect(m.busy == nil)
        guard case .form(let f)? = m.dialog else { Issue.record("the prompt closed"); return }
        #expect(f.error == refusal)
        #expect(m.store.result == .failed(refusal))
        #expect(View.render(m).text.contains("inside the store"))
    }

    @Test func syncScreenTrustsUntrustsAndImports() {
        var m = Self.coordinator()
        _ = Update.update(&m, .key(.char("y")))
        _ = Update.update(&m, .syncLoaded(Self.overview))
        var screen = View.render(m).text
        #expect(screen.contains("Fingerprint, to read aloud: 1a2b-3c4d-5e6f-7a8b"))
        #expect(screen.contains("temirtau") && screen.contains("karaganda"))

        // Trust: a name and the pasted line; neither may be empty.
        _ = Update.update(&m, .key(.function(2)))
        #expect(Update.update(&m, .key(.function(2))).isEmpty)
        guard case .form(let f)? = m.dialog else { Issue.record("no trust form"); return }
        #expect(f.error?.key == "tui.sync.needName")
        for k in Key.typing("almaty") + [.tab] + Key.typing("senim1:xyz") { _ = Update.update(&m, .key(k)) }
        #expect(Update.update(&m, .key(.function(2))) == [.trustPeer(name: "almaty", line: "senim1:xyz")])
        _ = Update.update(&m, .syncChanged(Message("sync.trust.done", "almaty", "aaaa-bbbb-cccc-dddd"), Self.overview))
        #expect(m.dialog == nil && m.status?.kind == .success)

        // Untrust starts on No: Enter changes nothing; y untrusts the chosen peer.
        _ = Update.update(&m, .key(.function(8)))
        guard case .confirm(let c)? = m.dialog else { Issue.record("no confirmation"); return }
        #expect(!c.yesFocused && c.action == .untrustPeer("temirtau"))
        #expect(Update.update(&m, .key(.enter)).isEmpty && m.dialog == nil)
        _ = Update.update(&m, .key(.down))
        _ = Update.update(&m, .key(.delete))
        #expect(Update.update(&m, .key(.char("y"))) == [.untrustPeer("karaganda")])

        // Import: a path, a job with progress, the summary the CLI prints.
        _ = Update.update(&m, .key(.function(4)))
        for k in Key.typing("/media/usb/from-temirtau.bundle") { _ = Update.update(&m, .key(k)) }
        #expect(Update.update(&m, .key(.enter)) == [.importBundle(path: "/media/usb/from-temirtau.bundle")])
        #expect(m.busy?.kind == .importBundle)
        _ = Update.update(&m, .jobProgress(done: 3, total: 4))
        #expect(View.render(m).text.contains("75%"))
        _ = Update.update(&m, .syncImported(Self.importSummary, Self.overview))
        #expect(m.busy == nil && m.sync.result == Self.importSummary && !m.sync.resultFailed)
        screen = View.render(m).text
        #expect(screen.contains("12 new events"))
        #expect(screen.contains("ZAKA192 ~"))
        #expect(screen.contains("New client codes: 2.") && screen.contains("1 stock transfers"))
    }

    @Test func aRefusedImportSaysWhyAndKeepsThePath() {
        var m = Self.coordinator()
        _ = Update.update(&m, .key(.char("y")))
        _ = Update.update(&m, .syncLoaded(Self.overview))
        _ = Update.update(&m, .key(.function(4)))
        for k in Key.typing("bad.bundle") { _ = Update.update(&m, .key(k)) }
        _ = Update.update(&m, .key(.enter))
        let refusal = Message("sync.error.header")
        _ = Update.update(&m, .failed(refusal))
        #expect(m.busy == nil && m.sync.resultFailed && m.sync.result == [refusal])
        guard case .form(let f)? = m.dialog else { Issue.record("the prompt closed"); return }
        #expect(f.value("path") == "bad.bundle" && f.error == refusal)
    }

    @Test func exportNeedsAPeerAndOffersANamedFile() {
        var m = Self.coordinator()
        _ = Update.update(&m, .key(.char("y")))
        _ = Update.update(&m, .key(.function(3)))
        #expect(m.dialog == nil && m.status?.message.key == "tui.sync.noPeer")
        _ = Update.update(&m, .syncLoaded(Self.overview))
        _ = Update.update(&m, .key(.function(3)))
        guard case .form(let f)? = m.dialog else { Issue.record("no export prompt"); return }
        #expect(f.kind == .exportBundle("temirtau") && f.value("path") == "senim-to-temirtau-2026-05-20.bundle")
        #expect(Update.update(&m, .key(.enter)) == [.exportBundle(peer: "temirtau", path: "senim-to-temirtau-2026-05-20.bundle")])
    }

    @Test func keysTypedWhileUnlockingAreHandledOnceOpenAndDroppedOnFailure() {
        var d = Driver()
        var m = d.model
        for k in Key.typing("aigerim-pass") + [.enter] { _ = Update.update(&m, .key(k)) }
        #expect(m.busy?.kind == .unlock)
        // "n" (new contact) and a code typed before the store is open.
        for k in Key.typing("nMAIV") { _ = Update.update(&m, .key(k)) }
        #expect(m.typeAhead.count == 5 && m.isLocked)
        d.login()   // the session the unlock job would deliver
        _ = Update.update(&m, .unlocked(d.model.session!))
        #expect(m.screen == .contact && m.contact.code.text == "MAIV" && m.typeAhead.isEmpty)

        var f = Driver().model
        for k in Key.typing("wrong-pass") + [.enter] + Key.typing("n") { _ = Update.update(&f, .key(k)) }
        _ = Update.update(&f, .unlockFailed(Message("store.error.wrongPassphrase")))
        #expect(f.typeAhead.isEmpty && f.unlock.passphrase.isEmpty)
    }

    @Test func panicWhileAJobRunsLocksAtOnce() {
        var m = Self.coordinator()
        _ = Update.update(&m, .key(.char("b")))
        _ = Update.update(&m, .key(.function(3)))
        #expect(Update.update(&m, .key(.ctrl("l"))) == [.lock])
        #expect(m.isLocked && m.busy == nil)
        // The job's late result finds a locked screen and shows nothing of it.
        _ = Update.update(&m, .verified(VerifyOutcome(events: 1, lines: [])))
        #expect(m.isLocked && m.store.result == nil)
    }

    @Test func aLateFailureOfAJobFromBeforeTheLockLeavesANewUnlockAlone() {
        var m = Self.coordinator()
        _ = Update.update(&m, .key(.char("b")))
        _ = Update.update(&m, .key(.function(3)))
        _ = Update.update(&m, .key(.function(12)))
        for k in Key.typing("bolat-pass") + [.enter] { _ = Update.update(&m, .key(k)) }
        #expect(m.busy?.kind == .unlock && m.unlock.busy)
        // The verify started before the lock ends (in failure) while the unlock waits for it.
        _ = Update.update(&m, .failed(Message("store.closed")))
        #expect(m.busy?.kind == .unlock && m.unlock.busy && m.status?.message.key != "store.closed")
    }

    // MARK: The runtime: jobs off the calling thread

    @Test func aJobRunsOffTheCallingThreadWhileTicksAreHandled() throws {
        let store = Fixture.store()
        let backend = OpsBackend(try store.open(user: "bolat", passphrase: "bolat-pass"))
        backend.gate = DispatchSemaphore(value: 0)
        let runner = EffectRunner(configuration: Fixture.configuration, unlock: { _, _ in backend }, clock: { Fixture.now },
                                  jobs: .background)
        var m = Model(config: Fixture.configuration, language: .en, initialUser: "bolat", now: Fixture.now,
                      utcOffset: Fixture.utcOffset)
        // Unlock is a job too.
        for k in Key.typing("x") + [.enter] { runner.dispatch(&m, .key(k)) }
        runner.waitForJob(&m)
        #expect(m.session?.user == "bolat")

        let caller = pthread_self()
        runner.dispatch(&m, .key(.char("b")))
        runner.dispatch(&m, .key(.function(2)))
        runner.dispatch(&m, .key(.enter))
        #expect(runner.jobRunning && m.busy?.kind == .backup)
        // The job is blocked on the gate, and the loop still turns: ticks arrive and repaint.
        for i in 1...5 {
            runner.dispatch(&m, .tick(Fixture.now + Int64(i)))
            runner.poll(&m)
        }
        #expect(m.now == Fixture.now + 5 && m.busy?.frame == 5)
        #expect(View.render(m).text.contains("Writing the backup"))
        // An effect asked for meanwhile waits for the job (the panic key's lock does not
        // close the store under it).
        runner.dispatch(&m, .key(.ctrl("l")))
        #expect(m.isLocked && !backend.closed)
        backend.gate?.signal()
        runner.waitForJob(&m)
        #expect(!runner.jobRunning && backend.closed)
        let jobThread = try #require(backend.jobThread)
        #expect(pthread_equal(jobThread, caller) == 0)
    }

    @Test func resultsAndProgressArriveThroughPoll() throws {
        let store = Fixture.store()
        let backend = OpsBackend(try store.open(user: "bolat", passphrase: "bolat-pass"))
        let runner = EffectRunner(configuration: Fixture.configuration, unlock: { _, _ in backend }, clock: { Fixture.now },
                                  jobs: .background)
        var m = Model(config: Fixture.configuration, language: .en, initialUser: "bolat", now: Fixture.now,
                      utcOffset: Fixture.utcOffset)
        for k in Key.typing("x") + [.enter] { runner.dispatch(&m, .key(k)) }
        #expect(m.unlock.busy && m.busy?.kind == .unlock)
        #expect(View.render(m).text.contains("Unlocking"))
        runner.waitForJob(&m)
        runner.dispatch(&m, .key(.char("y")))
        #expect(m.sync.overview == Self.overview)
        runner.dispatch(&m, .key(.function(4)))
        for k in Key.typing("in.bundle") { runner.dispatch(&m, .key(k)) }
        backend.gate = DispatchSemaphore(value: 0)
        runner.dispatch(&m, .key(.enter))
        #expect(m.busy?.kind == .importBundle)
        backend.gate?.signal()
        runner.waitForJob(&m)
        #expect(m.busy == nil && m.sync.result == Self.importSummary)
        #expect(backend.progressCalls == 3)
    }

    @Test func theJobThreadPostsProgressInOrderOncePerPermilleThenItsEnd() {
        let thread = JobThread()
        thread.start { progress in
            for done in [0, 1, 1, 2, 500, 999, 1000, 1000] { progress(done, 2000) }
            return { .done(Message("tui.sync.done")) }
        }
        thread.wait()
        let items = thread.take()
        var seen: [Int] = []
        for case .progress(let done, _) in items { seen.append(done) }
        // 0 and 1 of 2000 are both 0 per mille; 1000 repeated once.
        #expect(seen == [0, 2, 500, 999, 1000])
        guard case .finished(let finish)? = items.last, case .done(let m)? = finish() else {
            Issue.record("the end is not last"); return
        }
        #expect(m.key == "tui.sync.done")
        #expect(thread.take().isEmpty)
    }

    @Test func inlineJobsDeliverProgressThenTheResult() throws {
        var d = Driver()
        d.login("bolat")
        d.press([.char("b"), .function(3)])
        // The in-memory demo has no store on disk: the job fails with a clear reason.
        #expect(d.model.busy == nil)
        #expect(d.model.store.result == .failed(Message("tui.ops.unavailable")))
        #expect(d.effects.contains(.verify))
    }

    @Test func panicDuringUnlockClosesTheOpenedStoreUnseen() throws {
        let store = Fixture.store()
        let backend = OpsBackend(try store.open(user: "bolat", passphrase: "bolat-pass"))
        let gate = DispatchSemaphore(value: 0)
        let runner = EffectRunner(configuration: Fixture.configuration, unlock: { _, _ in gate.wait(); return backend },
                                  clock: { Fixture.now }, jobs: .background)
        var m = Model(config: Fixture.configuration, language: .en, initialUser: "bolat", now: Fixture.now,
                      utcOffset: Fixture.utcOffset)
        for k in Key.typing("x") + [.enter] { runner.dispatch(&m, .key(k)) }
        runner.dispatch(&m, .tick(Fixture.now + 1))
        #expect(m.busy?.frame == 1)
        runner.dispatch(&m, .key(.function(12)))
        gate.signal()
        runner.waitForJob(&m)
        #expect(m.isLocked && backend.closed)
    }
}

/// The sample in-memory backend with scriptable store operations: a gate the job waits on,
/// the thread it ran on, and whether the session was closed.
final class OpsBackend: TUIBackend, @unchecked Sendable {
    let inner: InMemoryBackend
    var gate: DispatchSemaphore?
    var jobThread: pthread_t?
    var closed = false
    var progressCalls = 0
    init(_ inner: InMemoryBackend) { self.inner = inner }

    var ledger: LedgerState { inner.ledger }
    var user: String { inner.user }
    var role: Role { inner.role }
    var point: String { inner.point }
    var notices: [Message] { inner.notices }
    var configurationWarnings: [Message] { inner.configurationWarnings }
    func context(site: String, at: Timestamp) -> Validator.Context { inner.context(site: site, at: at) }
    func save(_ events: [Event]) throws { try inner.save(events) }
    func sealNote(_ text: String) throws -> [UInt8] { try inner.sealNote(text) }
    func openNote(_ sealed: [UInt8]) throws -> String { try inner.openNote(sealed) }
    func userAccounts() throws -> [UserAccount] { try inner.userAccounts() }
    func addUser(name: String, role: Role, passphrase: String) throws { try inner.addUser(name: name, role: role, passphrase: passphrase) }
    func removeUser(name: String, force: Bool) throws { try inner.removeUser(name: name, force: force) }
    func resetPassphrase(name: String, to passphrase: String, force: Bool) throws {
        try inner.resetPassphrase(name: name, to: passphrase, force: force)
    }
    func changePassphrase(from current: String, to passphrase: String) throws { try inner.changePassphrase(from: current, to: passphrase) }
    func rekey() throws { try inner.rekey() }
    var mustChangePassphrase: Bool { inner.mustChangePassphrase }
    var keyFingerprint: String { inner.keyFingerprint }
    func notesAccounts() throws -> [NotesAccount] { try inner.notesAccounts() }
    func grantNotes(to name: String) throws { try inner.grantNotes(to: name) }
    func close() { closed = true }

    func backup(to path: String, progress: @escaping (Int, Int) -> Void) throws -> BackupOutcome {
        jobThread = pthread_self()
        gate?.wait()
        return BackupOutcome(path: path, bytes: 100, events: inner.ledger.contacts.count)
    }
    func syncOverview() throws -> SyncOverview { StoreSyncFlowTests.overview }
    func importBundle(from path: String, progress: @escaping (Int, Int) -> Void) throws -> [Message] {
        jobThread = pthread_self()
        gate?.wait()
        for done in [1, 2, 4] { progressCalls += 1; progress(done, 4) }
        return StoreSyncFlowTests.importSummary
    }
}
