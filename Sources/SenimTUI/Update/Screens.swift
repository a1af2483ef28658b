import Foundation
import SenimCore

/// Key handling on the screens (no dialog or overlay open).
enum Screens {
    static func textFieldFocused(_ m: Model) -> Bool {
        switch m.screen {
        case .contact: return m.contact.section == .code || m.contact.section == .note
        case .clients: return m.clients.searching
        default: return false
        }
    }

    static func bindings(_ m: Model) -> [Binding] {
        KeyMap.bindings(m.screen, role: m.role, catalogue: m.config.catalogue)
    }

    static func key(_ m: inout Model, _ k: Key) -> [Effect] {
        let inField = textFieldFocused(m)
        if let cmd = KeyMap.command(for: k, in: bindings(m), inField: inField) {
            return run(&m, cmd, k)
        }
        if inField {
            edit(&m, k)
        } else if m.screen == .contact {
            ContactScreen.unbound(&m, k)
        } else if m.screen == .stock, m.stock.tab == .levels, m.stock.lotsItem == nil, case .char(let c) = k, c.isLetter {
            // Type-to-find: a letter jumps to the next item whose name starts with it.
            let names = m.config.catalogue.items.map { $0.names[m.language] }
            if let i = ContactScreen.nextStarting(with: c, in: names, after: m.stock.selection) { m.stock.selection = i }
        }
        return []
    }

    /// A key typed into the focused text field.
    static func edit(_ m: inout Model, _ k: Key) {
        switch m.screen {
        case .contact:
            if m.contact.section == .code {
                if m.contact.code.handle(k) { codeEdited(&m) }
            } else {
                _ = m.contact.note.handle(k)
            }
        case .clients:
            if m.clients.search.handle(k) { m.clients.selection = 0 }
        default:
            break
        }
    }

    static func run(_ m: inout Model, _ cmd: Command, _ k: Key) -> [Effect] {
        switch cmd {
        case .help:
            m.help = 0
            return []
        case .quit:
            return Update.quit(&m)
        case .lock:
            return Update.lock(&m, Status(Message("tui.lock.done")))
        case .home:
            return go(&m, .home)
        case .goContact: return go(&m, .contact)
        case .goClients: return go(&m, .clients)
        case .goReferrals: return go(&m, .referrals)
        case .goStock: return go(&m, .stock)
        case .goReports: return go(&m, .reports)
        case .goUsers: return go(&m, .users)
        case .goSettings: return go(&m, .settings)
        case .goNotes: return go(&m, .notes)
        case .goStore: return go(&m, .store)
        case .goSync: return go(&m, .sync)
        default:
            break
        }
        switch m.screen {
        case .home: return HomeScreen.run(&m, cmd)
        case .duplicates: return DuplicatesScreen.run(&m, cmd)
        case .contact: return ContactScreen.run(&m, cmd, k)
        case .clients: return clients(&m, cmd)
        case .referrals: return referrals(&m, cmd)
        case .stock: return stock(&m, cmd)
        case .reports: return reports(&m, cmd)
        case .users: return users(&m, cmd)
        case .settings: return settings(&m, cmd)
        case .notes: return notes(&m, cmd)
        case .store: return OpsScreens.store(&m, cmd)
        case .sync: return OpsScreens.sync(&m, cmd)
        }
    }

    static func go(_ m: inout Model, _ s: ScreenID) -> [Effect] {
        guard let role = m.role else { return [] }
        if s == .store || s == .sync, role != .coordinator {
            let action: Action = s == .store ? .backup : .sync
            m.status = Status(Message("policy.denied", m.t("role.\(role.rawValue)"), action.rawValue), .error)
            return []
        }
        if s == .users, role != .coordinator {
            m.status = Status(Message("policy.denied", m.t("role.\(role.rawValue)"), Action.manageUsers.rawValue), .error)
            return []
        }
        if s == .notes, role != .psychologist {
            m.status = Status(Message("policy.denied", m.t("role.\(role.rawValue)"), Action.readConfidentialNotes.rawValue), .error)
            return []
        }
        if s == .duplicates, !Policy.allows(role, .mergeClients) {
            m.status = Status(Message("policy.denied", m.t("role.\(role.rawValue)"), Action.mergeClients.rawValue), .error)
            return []
        }
        if m.screen == .clients, s != .clients {
            // A search is for this visit: leaving the screen forgets it.
            m.clients.search.clear()
            m.clients.searching = false
            m.clients.selection = 0
        }
        if m.screen == .stock, s != .stock { m.stock.lotsItem = nil }
        m.home.focus = nil
        m.screen = s
        if s == .users { return [.loadUsers] }
        if s == .notes { return [.loadNotesAccess] }
        if s == .sync { return [.loadSync] }
        return []
    }

    /// Moves a list selection; returns the new index within 0..<count.
    static func move(_ sel: Int, _ cmd: Command, count: Int, page: Int = 10) -> Int {
        guard count > 0 else { return 0 }
        var s = sel
        switch cmd {
        case .up: s -= 1
        case .down: s += 1
        case .pageUp: s -= page
        case .pageDown: s += page
        case .top: s = 0
        case .bottom: s = count - 1
        default: break
        }
        return min(count - 1, max(0, s))
    }

    static func isMove(_ cmd: Command) -> Bool {
        [.up, .down, .pageUp, .pageDown, .top, .bottom].contains(cmd)
    }

    // MARK: Contact (shared helpers used by dialogs too)

    static func codeEdited(_ m: inout Model) { ContactScreen.codeEdited(&m) }
    static func resolveCode(_ m: inout Model) -> [Effect] { ContactScreen.resolveCode(&m) }

    // MARK: Clients

    static func clients(_ m: inout Model, _ cmd: Command) -> [Effect] {
        guard let s = m.session else { return [] }
        let list = Queries.clients(s.ledger, search: m.clients.search.text)
        let selected: UIC? = m.clients.card ?? (list.indices.contains(m.clients.selection) ? list[m.clients.selection].uic : nil)
        if cmd == .top || cmd == .bottom, let u = m.clients.card {
            m.clients.cardScroll = cmd == .top ? 0 : max(0, ClientsView.cardLineCount(m) - 1)
            m.clients.cardSelection = cmd == .top ? 0 : max(0, s.ledger.contacts(of: u).count - 1)
            return []
        }
        if isMove(cmd) {
            if let u = m.clients.card {
                m.clients.cardSelection = move(m.clients.cardSelection, cmd, count: s.ledger.contacts(of: u).count)
            } else {
                m.clients.selection = move(m.clients.selection, cmd, count: list.count)
            }
            return []
        }
        switch cmd {
        case .search:
            // "/" starts a new search; the old text is not carried into it.
            m.clients.card = nil
            m.clients.search.clear()
            m.clients.selection = 0
            m.clients.searching = true
        case .open:
            if m.clients.searching {
                m.clients.searching = false
            } else if let u = selected, m.clients.card == nil {
                m.clients.card = u
                m.clients.cardScroll = 0
                m.clients.cardSelection = 0
            }
        case .duplicates:
            return go(&m, .duplicates)
        case .back:
            if m.clients.card != nil, !m.clients.searching {
                m.clients.card = nil
            } else if m.clients.searching || !m.clients.search.isEmpty {
                // Esc clears the search (and ends typing it).
                m.clients.searching = false
                m.clients.search.clear()
                m.clients.selection = 0
            } else {
                return go(&m, .home)
            }
        case .contactFor:
            guard let u = selected else { return [] }
            m.clients.searching = false
            m.contact.code.text = u.code
            m.contact.resolved = u
            m.contact.isNew = false
            m.contact.matches = []
            m.contact.near = []
            m.contact.section = .items
            m.screen = .contact
        case .referFor:
            guard let u = selected else { return [] }
            m.clients.searching = false
            m.dialog = .form(Forms.issueReferral(m, client: u.code))
        case .edit, .void:
            guard let u = m.clients.card else {
                m.status = Status(Message("tui.amend.openCard"), .warning)
                return []
            }
            let list = Array(s.ledger.contacts(of: u).reversed())
            guard list.indices.contains(m.clients.cardSelection) else { return [] }
            let id = s.ledger.contacts[list[m.clients.cardSelection]].id
            return cmd == .edit ? edit(&m, id) : void(&m, id)
        case .setProfile:
            guard let u = selected else { return [] }
            m.clients.searching = false
            m.dialog = .form(Forms.profile(m, client: u))
        case .unmerge:
            // On a card: split off a merged code (asked which one when there are several).
            guard let u = m.clients.card, let p = s.ledger.person(u) else {
                m.status = Status(Message("tui.amend.openCard"), .warning)
                return []
            }
            let merged = p.codes.filter { DuplicatesScreen.mergedInto(m, $0) != nil }
            if merged.count == 1, let into = DuplicatesScreen.mergedInto(m, merged[0]) {
                m.dialog = DuplicatesScreen.confirmUnmerge(from: merged[0], into: into)
            } else if merged.count > 1 {
                m.dialog = .form(Forms.unmerge(m, codes: merged))
            } else {
                m.status = Status(Message("tui.card.notMerged", p.uic.code), .info)
            }
        default:
            break
        }
        return []
    }

    // MARK: Corrections

    /// Opens the contact form on an existing contact; saving it records a correction.
    static func edit(_ m: inout Model, _ id: EventID, from: ScreenID = .clients) -> [Effect] {
        guard let s = m.session, let target = s.ledger.amendTarget(id), let c = target.contact else { return [] }
        if let ctx = m.provisionalContext() {
            do {
                try Policy.requireAmend(role: ctx.role, user: ctx.author, target: target, now: m.now,
                                        windowDays: m.config.catalogue.limits.correctionWindow)
            } catch {
                m.status = Status(Message.from(error), .error)
                return []
            }
        }
        let cat = m.config.catalogue
        var f = ContactForm(catalogue: cat, type: cat.contactTypes.firstIndex { $0.id == c.type } ?? 0)
        f.code.text = c.client.code
        f.resolved = c.client
        for l in c.items { if let i = cat.itemPosition(l.item) { f.quantities[i] = Int(l.quantity) } }
        for sv in c.services { if let i = cat.servicePosition(sv) { f.services[i] = true } }
        f.overdose = c.overdose.flatMap { o in cat.overdoseOutcomes.firstIndex { $0.id == o } } ?? -1
        f.overdoseKind = c.detail.overdoseKind.flatMap { OverdoseKind.allCases.firstIndex(of: $0) } ?? -1
        f.responders = Responder.allCases.map { c.detail.responders.contains($0) }
        for r in c.detail.results { if let i = cat.servicePosition(r.service) { f.results[i] = TestResult.allCases.firstIndex(of: r.result)! } }
        f.note.text = c.note ?? ""
        f.packs = c.packs
        f.correcting = id
        f.returnTo = from
        f.section = .items
        m.contact = f
        m.screen = .contact
        m.status = Status(Message("tui.amend.editing", c.client.code), .info)
        return []
    }

    /// Asks why a record is voided (then confirms, with No as the default).
    static func void(_ m: inout Model, _ id: EventID) -> [Effect] {
        guard let s = m.session, let target = s.ledger.amendTarget(id) else { return [] }
        if let ctx = m.provisionalContext() {
            do {
                guard target.voidable, !target.voided else { throw Message("validate.amend.voided", "") }
                try Policy.requireAmend(role: ctx.role, user: ctx.author, target: target, now: m.now,
                                        windowDays: m.config.catalogue.limits.correctionWindow)
            } catch {
                m.status = Status(Message.from(error), .error)
                return []
            }
        }
        m.dialog = .form(Forms.void(m, id))
        return []
    }

    // MARK: Referrals

    static func referralList(_ m: Model) -> [ReferralRecord] {
        guard let s = m.session else { return [] }
        return Queries.referrals(s.ledger, filter: m.referrals.filter, due: m.referrals.due, today: m.today)
    }

    static func referrals(_ m: inout Model, _ cmd: Command) -> [Effect] {
        guard let s = m.session else { return [] }
        let list = referralList(m)
        let current: ReferralRecord? = m.referrals.detail.flatMap { s.ledger.referrals[$0] }
            ?? (list.indices.contains(m.referrals.selection) ? list[m.referrals.selection] : nil)
        if isMove(cmd) {
            m.referrals.selection = move(m.referrals.selection, cmd, count: list.count)
            if m.referrals.detail != nil, list.indices.contains(m.referrals.selection) {
                m.referrals.detail = list[m.referrals.selection].id
                return openNotesIfAllowed(m, list[m.referrals.selection])
            }
            return []
        }
        switch cmd {
        case .open:
            guard let r = current else { return [] }
            m.referrals.detail = r.id
            return openNotesIfAllowed(m, r)
        case .back:
            if m.referrals.detail != nil { m.referrals.detail = nil } else { return go(&m, .home) }
        case .filter:
            let all = ReferralFilter.allCases
            m.referrals.filter = all[(all.firstIndex(of: m.referrals.filter)! + 1) % all.count]
            m.referrals.selection = 0
            m.referrals.detail = nil
        case .dueFilter:
            let all = DueFilter.allCases
            m.referrals.due = all[(all.firstIndex(of: m.referrals.due)! + 1) % all.count]
            m.referrals.selection = 0
            m.referrals.detail = nil
        case .updateStatus:
            guard let r = current else { m.status = Status(Message("tui.referrals.none"), .warning); return [] }
            m.dialog = .form(Forms.updateReferral(m, r))
        case .addNote:
            guard let r = current else { m.status = Status(Message("tui.referrals.none"), .warning); return [] }
            m.dialog = .form(Forms.confidentialNote(m, r))
        case .newReferral:
            m.dialog = .form(Forms.issueReferral(m, client: ""))
        default:
            break
        }
        return []
    }

    static func openNotesIfAllowed(_ m: Model, _ r: ReferralRecord) -> [Effect] {
        guard let role = m.role, Policy.allows(role, .readConfidentialNotes), !r.confidentialNotes.isEmpty,
              m.referrals.notes[r.id] == nil else { return [] }
        return [.openNotes(r.id)]
    }

    // MARK: Stock

    static func stockSite(_ m: Model) -> String { m.stock.site ?? m.session?.point ?? "" }

    static func transitList(_ m: Model) -> [TransferRecord] {
        guard let l = m.session?.ledger, let s = l.sites.lookup(stockSite(m)) else { return [] }
        return l.transfersInTransit.filter { $0.to == s || $0.from == s }
    }

    static func stockCount(_ m: Model) -> Int {
        guard let l = m.session?.ledger else { return 0 }
        switch m.stock.tab {
        case .levels: return m.config.catalogue.items.count
        case .movements: return Queries.movementRows(l, site: stockSite(m)).count
        case .transit: return transitList(m).count
        }
    }

    static func stock(_ m: inout Model, _ cmd: Command) -> [Effect] {
        guard let s = m.session else { return [] }
        if let effects = StockLots.run(&m, cmd) { return effects }
        if isMove(cmd) {
            m.stock.selection = move(m.stock.selection, cmd, count: stockCount(m))
            return []
        }
        let selectedItem: String? = m.stock.tab == .levels && m.config.catalogue.items.indices.contains(m.stock.selection)
            ? m.config.catalogue.items[m.stock.selection].id : nil
        switch cmd {
        case .back:
            return go(&m, .home)
        case .open:
            StockLots.open(&m)
        case .nextTab:
            let all = StockTab.allCases
            m.stock.tab = all[(all.firstIndex(of: m.stock.tab)! + 1) % all.count]
            m.stock.selection = 0
        case .nextSite:
            let pts = m.config.points.points.map(\.id)
            let cur = pts.firstIndex(of: stockSite(m)) ?? 0
            m.stock.site = pts[(cur + 1) % pts.count]
            m.stock.selection = 0
        case .receive, .transfer, .writeOff, .count:
            guard stockSite(m) == s.point else {
                m.status = Status(Message("tui.stock.ownPointOnly", Update.pointName(m, s.point)), .warning)
                return []
            }
            if cmd == .count {
                var sheet = Stocktake(items: m.config.catalogue.items.count)
                sheet.cursor = m.stock.tab == .levels ? m.stock.selection : 0
                sheet.at.text = Clock.dateTime(m.now, m.utcOffset)
                sheet.atOpened = sheet.at.text
                m.dialog = .stocktake(sheet)
                return []
            }
            m.dialog = .form(Forms.stock(m, cmd, item: selectedItem))
        case .void:
            let list = Queries.movementRows(s.ledger, site: stockSite(m))
            guard m.stock.tab == .movements, list.indices.contains(m.stock.selection) else {
                m.status = Status(Message("tui.amend.pickMovement"), .warning)
                return []
            }
            return void(&m, list[m.stock.selection].id)
        case .arrived:
            let here = s.ledger.sites.lookup(s.point)
            var candidates = transitList(m).filter { $0.to == here }
            if m.stock.tab == .transit {
                let all = transitList(m)
                if all.indices.contains(m.stock.selection) { candidates = [all[m.stock.selection]].filter { $0.to == here } }
            }
            guard let t = candidates.first else {
                m.status = Status(Message("tui.stock.noArrivals"), .warning)
                return []
            }
            return Forms.check(&m, .confirmTransfer(t.id))
        default:
            break
        }
        return []
    }

    // MARK: Reports

    static func reports(_ m: inout Model, _ cmd: Command) -> [Effect] {
        if isMove(cmd) {
            m.reports.selection = move(m.reports.selection, cmd, count: ReportScreen.rowCount(m))
            return []
        }
        if cmd == .back { return go(&m, .home) }
        return ReportScreen.run(&m, cmd)
    }

    // MARK: Users

    static func users(_ m: inout Model, _ cmd: Command) -> [Effect] {
        if isMove(cmd) {
            m.users.selection = move(m.users.selection, cmd, count: m.users.accounts.count)
            return []
        }
        switch cmd {
        case .back: return go(&m, .home)
        case .addUser:
            m.dialog = .form(Forms.addUser(m))
        case .removeUser:
            guard m.users.accounts.indices.contains(m.users.selection) else { return [] }
            let name = m.users.accounts[m.users.selection].name
            if name == m.session?.user {
                m.status = Status(Message("tui.users.removeSelf"), .error)
                return []
            }
            var lines = [Message("tui.users.remove.body")]
            if m.users.accounts[m.users.selection].lastNotesHolder { lines.append(Message("tui.users.lastHolder", name)) }
            m.dialog = .confirm(Confirm(title: Message("tui.users.remove.title", name),
                                        lines: lines, action: .removeUser(name), yesFocused: false))
        case .resetPassphrase:
            guard m.users.accounts.indices.contains(m.users.selection) else { return [] }
            let name = m.users.accounts[m.users.selection].name
            if name == m.session?.user {
                m.status = Status(Message("tui.users.resetSelf"), .error)
                return []
            }
            m.dialog = .form(Forms.resetPassphrase(m, name: name))
        case .rekey:
            m.dialog = .confirm(Confirm(title: Message("tui.users.rekey.title"), lines: [Message("tui.users.rekey.any")],
                                        action: .rekey, yesFocused: false))
        case .passphrase:
            m.dialog = .form(Forms.changePassphrase(m))
        default: break
        }
        return []
    }

    // MARK: Notes access

    /// Peer psychologists: who holds the notes key; granting it after comparing fingerprints
    /// aloud. Never automatic: the grant happens only on "yes" in the confirmation.
    static func notes(_ m: inout Model, _ cmd: Command) -> [Effect] {
        if isMove(cmd) {
            m.notesAccess.selection = move(m.notesAccess.selection, cmd, count: m.notesAccess.rows.count)
            return []
        }
        switch cmd {
        case .back: return go(&m, .home)
        case .passphrase:
            m.dialog = .form(Forms.changePassphrase(m))
        case .grant:
            guard m.notesAccess.rows.indices.contains(m.notesAccess.selection) else {
                m.status = Status(Message("tui.notes.nobody"), .warning)
                return []
            }
            let a = m.notesAccess.rows[m.notesAccess.selection]
            if a.holdsKey { m.status = Status(Message("store.notes.alreadyHolds", a.name), .info); return [] }
            if a.mustChangePassphrase { m.status = Status(Message("store.notes.oneTime", a.name), .warning); return [] }
            let created = a.createdBy.isEmpty ? m.t("tui.notes.unknown")
                : m.t("tui.notes.createdByAt", a.createdBy, a.createdAt == 0 ? "—" : Clock.isoDate(Clock.day(a.createdAt, m.utcOffset)))
            m.dialog = .confirm(Confirm(title: Message("tui.notes.grant.title", a.name),
                                        lines: [Message("tui.notes.grant.created", created),
                                                Message("tui.notes.grant.fingerprint", a.fingerprint),
                                                Message("tui.notes.grant.compare", a.name)],
                                        action: .grantNotes(a.name), yesFocused: false))
        default: break
        }
        return []
    }

    // MARK: Settings

    static let settingsRows = 3
    static let autoLockChoices = [1, 2, 3, 5, 10, 15, 30, 60]

    static func settings(_ m: inout Model, _ cmd: Command) -> [Effect] {
        if isMove(cmd) {
            m.settings.selection = move(m.settings.selection, cmd, count: settingsRows)
            return []
        }
        let step = cmd == .cycleNext ? 1 : cmd == .cyclePrev ? -1 : 0
        switch cmd {
        case .back: return go(&m, .home)
        case .passphrase:
            m.dialog = .form(Forms.changePassphrase(m))
        case .cycleNext, .cyclePrev:
            switch m.settings.selection {
            case 0:
                let all = Language.allCases
                m.language = all[(all.firstIndex(of: m.language)! + all.count + step) % all.count]
                m.status = Status(Message("tui.settings.languageSet"), .success)
            case 1:
                m.colour.toggle()
                if m.noColor { m.status = Status(Message("tui.settings.noColorEnv"), .warning) }
            default:
                let c = autoLockChoices
                let i = c.firstIndex(of: m.autoLockMinutes) ?? c.firstIndex(of: 5)!
                m.autoLockMinutes = c[min(c.count - 1, max(0, i + step))]
            }
        default: break
        }
        return []
    }
}
