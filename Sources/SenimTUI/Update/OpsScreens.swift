import SenimCore

/// The coordinator's Store screen (backup, verify) and Sync screen (identity, peers, bundles).
/// Backup, verify, export and import are background jobs: `begin` marks the model busy and the
/// runtime runs the effect off the UI loop; its result arrives as a message handled here.
enum OpsScreens {
    /// Starts a job: the model is busy (modal) until its result or failure arrives.
    static func begin(_ m: inout Model, _ kind: JobKind, _ effect: Effect) -> [Effect] {
        m.busy = Busy(kind: kind, started: m.now)
        m.status = nil
        return [effect]
    }

    /// The backup file offered in the path prompt: `senim-YYYY-MM-DD.bak` in the working folder.
    static func defaultBackupName(_ m: Model) -> String { "senim-\(Clock.isoDate(m.today)).bak" }

    /// The bundle file offered for `peer`: `senim-to-PEER-YYYY-MM-DD.bundle`.
    static func defaultBundleName(_ m: Model, peer: String) -> String { "senim-to-\(peer)-\(Clock.isoDate(m.today)).bundle" }

    // MARK: Results

    static func message(_ m: inout Model, _ msg: Msg) -> [Effect] {
        // A result arriving after the panic key locked the screen shows nothing of it (the
        // lock already ended the busy state; an unlock started since keeps its own).
        if m.session == nil {
            if case .jobProgress(let done, let total) = msg, m.busy != nil {
                m.busy?.done = done
                m.busy?.total = total
            }
            return []
        }
        switch msg {
        case .jobProgress(let done, let total):
            m.busy?.done = done
            m.busy?.total = total
        case .backedUp(let r):
            finished(&m)
            m.store.result = .backup(r)
            m.store.scroll = 0
            m.status = Status(Message("tui.store.backedUp", r.path), .success)
        case .verified(let r):
            finished(&m)
            m.store.result = .verify(r)
            m.store.scroll = 0
            m.status = Status(r.ok ? Message("tui.store.verifyOk", String(r.events)) : Message("tui.store.verifyBad"),
                              r.ok ? .success : .error)
        case .syncLoaded(let overview):
            setOverview(&m, overview)
        case .syncChanged(let said, let overview):
            if case .form? = m.dialog { m.dialog = nil }
            if let overview { setOverview(&m, overview) }
            m.status = Status(said, .success)
        case .syncExported(let lines, let overview), .syncImported(let lines, let overview):
            finished(&m)
            if let overview { setOverview(&m, overview) }
            m.sync.result = lines
            m.sync.resultFailed = false
            m.status = Status(lines.first ?? Message("tui.sync.done"), .success)
        default:
            break
        }
        return []
    }

    /// A job's success: the modal and the form that started it close.
    static func finished(_ m: inout Model) {
        m.busy = nil
        m.lastActivity = m.now
        if case .form? = m.dialog { m.dialog = nil }
    }

    /// A job failed: the reason stays on its screen too (the form, if still open, shows it beside
    /// the path; nothing was written or imported).
    static func jobFailed(_ m: inout Model, _ kind: JobKind, _ message: Message) {
        switch kind {
        case .backup, .verify: m.store.result = .failed(message)
        case .exportBundle, .importBundle:
            m.sync.result = [message]
            m.sync.resultFailed = true
        case .unlock, .rekey: break
        }
    }

    static func setOverview(_ m: inout Model, _ overview: SyncOverview) {
        m.sync.overview = overview
        m.sync.selection = min(m.sync.selection, max(0, overview.peers.count - 1))
    }

    // MARK: Store screen

    static func store(_ m: inout Model, _ cmd: Command) -> [Effect] {
        switch cmd {
        case .back: return Screens.go(&m, .home)
        case .backup:
            m.dialog = .form(Form(kind: .backupPath, title: "tui.store.backup.title", fields: [
                Forms.text("path", "tui.form.file", defaultBackupName(m), max: 1024),
            ]))
        case .verify:
            return begin(&m, .verify, .verify)
        case .goSync:
            return Screens.go(&m, .sync)
        case .up, .pageUp, .top:
            m.store.scroll = cmd == .top ? 0 : max(0, m.store.scroll - (cmd == .up ? 1 : 10))
        case .down, .pageDown, .bottom:
            let count = resultLineCount(m)
            m.store.scroll = cmd == .bottom ? max(0, count - 1) : min(max(0, count - 1), m.store.scroll + (cmd == .down ? 1 : 10))
        default: break
        }
        return []
    }

    static func resultLineCount(_ m: Model) -> Int {
        if case .verify(let r)? = m.store.result { return r.lines.count }
        return 0
    }

    // MARK: Sync screen

    static func sync(_ m: inout Model, _ cmd: Command) -> [Effect] {
        let peers = m.sync.overview?.peers ?? []
        if Screens.isMove(cmd) {
            m.sync.selection = Screens.move(m.sync.selection, cmd, count: peers.count)
            return []
        }
        let selected = peers.indices.contains(m.sync.selection) ? peers[m.sync.selection] : nil
        switch cmd {
        case .back: return Screens.go(&m, .home)
        case .goStore: return Screens.go(&m, .store)
        case .trust:
            m.dialog = .form(Form(kind: .trustPeer, title: "tui.sync.trust.title", fields: [
                Forms.text("name", "tui.sync.peerName", max: 32),
                Forms.text("line", "tui.sync.identityLine", max: 512),
            ]))
        case .untrust:
            guard let p = selected else { m.status = Status(Message("tui.sync.noPeer"), .warning); return [] }
            m.dialog = .confirm(Confirm(title: Message("tui.sync.untrust.title", p.name),
                                        lines: [Message("tui.sync.untrust.body", p.name, p.fingerprint)],
                                        action: .untrustPeer(p.name), yesFocused: false))
        case .exportBundle:
            guard let p = selected else { m.status = Status(Message("tui.sync.noPeer"), .warning); return [] }
            m.dialog = .form(Form(kind: .exportBundle(p.name), title: "tui.sync.export.title", fields: [
                Forms.text("path", "tui.form.file", defaultBundleName(m, peer: p.name), max: 1024),
            ]))
        case .importBundle:
            m.dialog = .form(Form(kind: .importBundle, title: "tui.sync.import.title", fields: [
                Forms.text("path", "tui.form.file", "", max: 1024),
            ]))
        default: break
        }
        return []
    }

    // MARK: Forms

    static func submit(_ m: inout Model, _ f: Form) -> [Effect] {
        func fail(_ message: Message, field: String) -> [Effect] {
            var g = f
            g.error = message
            g.focus = g.fields.firstIndex { $0.id == field } ?? g.focus
            m.dialog = .form(g)
            return []
        }
        let path = f.value("path").trimmingCharacters(in: .whitespaces)
        switch f.kind {
        case .backupPath:
            guard !path.isEmpty else { return fail(Message("tui.form.needFile"), field: "path") }
            return begin(&m, .backup, .backup(path: path))
        case .exportBundle(let peer):
            guard !path.isEmpty else { return fail(Message("tui.form.needFile"), field: "path") }
            return begin(&m, .exportBundle, .exportBundle(peer: peer, path: path))
        case .importBundle:
            guard !path.isEmpty else { return fail(Message("tui.form.needFile"), field: "path") }
            return begin(&m, .importBundle, .importBundle(path: path))
        case .trustPeer:
            let name = f.value("name").trimmingCharacters(in: .whitespaces)
            let line = f.value("line").trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty else { return fail(Message("tui.sync.needName"), field: "name") }
            if let finding = PrivacyGuard.check(name) { return fail(finding.message, field: "name") }
            guard !line.isEmpty else { return fail(Message("tui.sync.needLine"), field: "line") }
            return [.trustPeer(name: name, line: line)]
        default:
            return []
        }
    }
}
