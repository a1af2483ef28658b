import Foundation
import SenimCore

/// The pure state transition: a message in, the new model and the effects to perform out.
/// No I/O, no clock, no randomness: time arrives as `.tick`, results of effects as messages.
public enum Update {
    public static func update(_ m: inout Model, _ msg: Msg) -> [Effect] {
        switch msg {
        case .tick(let t):
            m.now = t
            if m.busy != nil {
                // A job runs: the spinner turns; no auto-lock (the job holds the store).
                m.busy?.frame += 1
                return []
            }
            if m.session != nil, m.autoLockMinutes > 0, t - m.lastActivity >= Int64(m.autoLockMinutes) * 60 {
                return lock(&m, Status(Message("tui.lock.auto", String(m.autoLockMinutes)), .info))
            }
            return []
        case .resize(let w, let h):
            m.width = max(0, w)
            m.height = max(0, h)
            return []
        case .key(let k):
            m.lastActivity = m.now
            return key(&m, k)
        case .unlocked(let info):
            m.busy = nil
            if m.unlockCancelled {
                // The panic key was pressed while the store was being opened: close it unseen.
                m.unlockCancelled = false
                m.unlock.busy = false
                m.typeAhead = []
                return [.lock]
            }
            unlocked(&m, info)
            let ahead = m.typeAhead
            m.typeAhead = []
            return ahead.flatMap { key(&m, $0) }
        case .unlockFailed(let message):
            m.busy = nil
            m.typeAhead = []
            m.unlockCancelled = false
            m.unlock.busy = false
            m.unlock.failures += 1
            let d = UnlockState.delay(afterFailures: m.unlock.failures)
            m.unlock.retryAt = d > 0 ? m.now + Int64(d) : nil
            m.unlock.error = message
            m.unlock.passphrase.clear()
            m.unlock.focus = 1
            return []
        case .saved(let draft):
            return saved(&m, draft)
        case .failed, .done:
            // An unlock reports through `.unlocked`/`.unlockFailed`: while one runs, these are
            // the late end of a job started before the panic key locked the screen.
            if m.session == nil, m.busy?.kind == .unlock { return [] }
            return finished(&m, msg)
        case .notesOpened(let id, let notes):
            m.referrals.notes[id] = notes
            return []
        case .usersLoaded(let list):
            m.users.accounts = list
            m.users.selection = min(m.users.selection, max(0, list.count - 1))
            return []
        case .usersChanged(let message, let list):
            m.users.accounts = list
            m.users.selection = min(m.users.selection, max(0, list.count - 1))
            if case .form? = m.dialog { m.dialog = nil }
            m.status = Status(message, .success)
            return []
        case .userRemoved(let name, let list):
            m.users.accounts = list
            m.users.selection = min(m.users.selection, max(0, list.count - 1))
            m.status = Status(Message("tui.users.removed", name), .success)
            // A copy of the old key (say, from the removed user's laptop) still reads the store
            // until it is re-keyed: offer it now, starting on Yes.
            m.dialog = .confirm(Confirm(title: Message("tui.users.rekey.title"), lines: [Message("tui.users.rekey.body", name)],
                                        action: .rekey, yesFocused: true))
            return []
        case .passphraseChanged:
            m.session?.mustChangePassphrase = false
            if case .form? = m.dialog { m.dialog = nil }
            m.status = Status(Message("tui.users.passChanged"), .success)
            return []
        case .notesAccessLoaded(let rows):
            m.notesAccess.rows = rows
            m.notesAccess.selection = min(m.notesAccess.selection, max(0, rows.count - 1))
            return []
        case .notesAccessChanged(let message, let rows):
            m.notesAccess.rows = rows
            m.notesAccess.selection = min(m.notesAccess.selection, max(0, rows.count - 1))
            m.status = Status(message, .success)
            return []
        case .jobProgress, .backedUp, .verified, .syncLoaded, .syncChanged, .syncExported, .syncImported:
            return OpsScreens.message(&m, msg)
        }
    }

    /// `.failed` (an effect's error) and `.done` (an effect without data of its own succeeded).
    static func finished(_ m: inout Model, _ msg: Msg) -> [Effect] {
        switch msg {
        case .failed(let message):
            m.unlock.busy = false
            if let job = m.busy {
                m.busy = nil
                m.lastActivity = m.now
                OpsScreens.jobFailed(&m, job.kind, message)
            }
            showError(&m, message)
        case .done(let message):
            if m.busy != nil { m.busy = nil; m.lastActivity = m.now }
            if case .form? = m.dialog { m.dialog = nil }
            m.status = Status(message, .success)
        default:
            break
        }
        return []
    }

    /// An error shows in the open form or sheet (beside what caused it), else on the status line.
    static func showError(_ m: inout Model, _ message: Message) {
        switch m.dialog {
        case .form(var f)?:
            f.error = message
            m.dialog = .form(f)
        case .stocktake(var s)?:
            s.error = message
            m.dialog = .stocktake(s)
        default:
            m.status = Status(message, .error)
        }
    }

    // MARK: Session

    static func unlocked(_ m: inout Model, _ info: SessionInfo) {
        m.session = info
        m.unlock = UnlockState(user: info.user)
        m.unlock.focus = 1
        resetScreens(&m)
        m.screen = .home
        if info.mustChangePassphrase {
            // A one-time passphrase set by someone else: nothing else until the user chooses their own.
            m.dialog = .form(Forms.changePassphrase(m))
            m.status = Status(Message("tui.passphrase.mustChange"), .warning)
        } else if let n = info.notices.first {
            m.status = Status(n, .warning)
        } else {
            m.status = Status(Message("tui.unlock.welcome", info.user), .success)
        }
    }

    /// Everything a locked screen must not keep: the session, forms, opened notes, dialogs.
    static func resetScreens(_ m: inout Model) {
        m.contact = ContactForm(catalogue: m.config.catalogue, type: defaultContactType(m))
        m.clients = ClientsState()
        m.referrals = ReferralsState()
        m.stock = StockState()
        m.reports = ReportsState()
        m.users = UsersState()
        m.settings = SettingsState()
        m.notesAccess = NotesAccessState()
        m.store = StoreState()
        m.sync = SyncState()
        m.dialog = nil
        m.help = nil
    }

    /// The point's usual contact type (a form emptied after editing an older contact starts on it).
    static func defaultContactType(_ m: Model) -> Int {
        m.session.flatMap { s in
            m.config.catalogue.contactTypes.firstIndex { $0.id == m.validator.defaultContactType(s.point) }
        } ?? 0
    }

    static func lock(_ m: inout Model, _ status: Status) -> [Effect] {
        let user = m.session?.user ?? m.unlock.user.text
        let failures = m.unlock.failures, retryAt = m.unlock.retryAt
        m.session = nil
        m.typeAhead = []
        resetScreens(&m)
        m.screen = .home
        m.unlock = UnlockState(user: user)
        m.unlock.failures = failures
        m.unlock.retryAt = retryAt
        m.status = status
        return [.lock]
    }

    static func quit(_ m: inout Model) -> [Effect] {
        if m.session != nil, m.contact.isDirty {
            m.dialog = .confirm(Confirm(title: Message("tui.confirm.quit.title"),
                                        lines: [Message("tui.confirm.quit.unsaved")], action: .quit, yesFocused: false))
            return []
        }
        m.quitting = true
        return [.quit]
    }

    // MARK: Keys

    static func key(_ m: inout Model, _ k: Key) -> [Effect] {
        if KeyMap.panicKeys.contains(k) {
            // Even while a job runs: the screen locks at once; the runtime closes the store
            // when the job has ended (a store operation is never cut halfway).
            if m.busy?.kind == .unlock || m.unlock.busy { m.unlockCancelled = true }
            m.busy = nil
            return lock(&m, Status(Message("tui.lock.done"), .info))
        }
        // A job runs: every other key is ignored (the modal says so) — except while unlocking,
        // where keys typed ahead are kept for the screen that opens.
        if let b = m.busy {
            if b.kind == .unlock, m.typeAhead.count < Model.typeAheadLimit { m.typeAhead.append(k) }
            return []
        }
        if m.tooSmall {
            if k == .function(10) || k == .ctrl("c") { m.quitting = true; return [.quit] }
            return []
        }
        if m.session == nil { return unlockKey(&m, k) }
        if let h = m.help {
            switch k {
            case .up, .char("k"): m.help = max(0, h - 1)
            case .down, .char("j"): m.help = h + 1
            case .pageUp: m.help = max(0, h - 10)
            case .pageDown: m.help = h + 10
            case .function(10), .ctrl("c"): m.help = nil; return quit(&m)
            default: m.help = nil
            }
            return []
        }
        if let d = m.dialog { return dialogKey(&m, d, k) }
        if m.session?.mustChangePassphrase == true {
            m.dialog = .form(Forms.changePassphrase(m))
            return []
        }
        m.status = nil
        return Screens.key(&m, k)
    }

    static func unlockKey(_ m: inout Model, _ k: Key) -> [Effect] {
        if m.unlock.busy { return [] }
        switch k {
        case .function(10), .ctrl("c"):
            m.quitting = true
            return [.quit]
        case .tab, .backTab, .up, .down:
            m.unlock.focus = 1 - m.unlock.focus
        case .enter:
            if m.unlock.focus == 0 {
                if !m.unlock.user.isEmpty { m.unlock.focus = 1 }
                return []
            }
            let user = m.unlock.user.text.trimmingCharacters(in: .whitespaces)
            guard !user.isEmpty else {
                m.unlock.error = Message("tui.unlock.needUser")
                m.unlock.focus = 0
                return []
            }
            guard !m.unlock.passphrase.isEmpty else {
                m.unlock.error = Message("tui.unlock.needPassphrase")
                return []
            }
            if let r = m.unlock.retryAt, m.now < r {
                m.unlock.error = Message("tui.unlock.wait", String(r - m.now))
                m.unlock.passphrase.clear()
                return []
            }
            let pass = m.unlock.passphrase.text
            m.unlock.passphrase.clear()
            m.unlock.busy = true
            m.busy = Busy(kind: .unlock, started: m.now)
            m.unlock.error = nil
            m.status = nil
            return [.unlock(user: user, passphrase: pass)]
        case .escape:
            if m.unlock.focus == 1 { m.unlock.passphrase.clear() } else { m.unlock.user.clear() }
        default:
            if m.unlock.focus == 0 { _ = m.unlock.user.handle(k) } else { _ = m.unlock.passphrase.handle(k) }
            m.unlock.error = nil
        }
        return []
    }

    // MARK: Dialogs

    static func dialogKey(_ m: inout Model, _ d: Dialog, _ k: Key) -> [Effect] {
        switch d {
        case .confirm(var c):
            switch k {
            case .char("y"), .char("Y"), .char("д"), .char("Д"), .char("и"), .char("И"):
                m.dialog = nil
                return confirmed(&m, c.action)
            case .char("n"), .char("N"), .char("н"), .char("Н"), .char("ж"), .char("Ж"), .escape, .function(10):
                m.dialog = nil
                return declined(&m, c.action)
            case .enter:
                m.dialog = nil
                return c.yesFocused ? confirmed(&m, c.action) : declined(&m, c.action)
            case .left, .right, .tab, .backTab, .char("h"), .char("l"):
                c.yesFocused.toggle()
                m.dialog = .confirm(c)
            case .char(let ch) where ch.wholeNumberValue != nil:
                // The new-client question: a digit takes the similar code with that number.
                if case .newClient(_, let similar) = c.action, let n = ch.wholeNumberValue, similar.indices.contains(n - 1) {
                    m.dialog = nil
                    ContactScreen.take(&m, similar[n - 1])
                    m.status = Status(Message("tui.contact.tookSimilar", similar[n - 1].code), .info)
                }
            default:
                break
            }
            return []
        case .builder(var b):
            let questions = m.config.uic.questions
            switch k {
            case .escape:
                m.dialog = nil      // the answers are dropped with the dialog
                m.status = Status(Message("tui.builder.cancelled"))
            case .tab, .down:
                b.focus = (b.focus + 1) % questions.count
                m.dialog = .builder(b)
            case .backTab, .up:
                b.focus = (b.focus + questions.count - 1) % questions.count
                m.dialog = .builder(b)
            case .enter where b.focus < questions.count - 1:
                b.focus += 1
                m.dialog = .builder(b)
            case .enter, .function(2):
                var answers: [String: String] = [:]
                for (q, a) in zip(questions, b.answers) { answers[q.id] = a.text }
                do {
                    let u = try m.config.uic.build(answers: answers)
                    m.dialog = nil
                    m.contact.code.text = u.code
                    Screens.codeEdited(&m)
                    m.contact.fromBuilder = true
                    m.status = Status(Message("tui.builder.built", u.code), .info)
                    return Screens.resolveCode(&m)
                } catch {
                    b.error = error.message
                    if let i = questions.firstIndex(where: { q in
                        switch error {
                        case .missingAnswer(let id), .noLetters(let id): return q.id == id
                        case .unknownSex: return q.kind == .sex
                        case .badYear: return q.kind == .year
                        }
                    }) { b.focus = i }
                    m.dialog = .builder(b)
                }
            default:
                if b.answers.indices.contains(b.focus), b.answers[b.focus].handle(k) { b.error = nil }
                m.dialog = .builder(b)
            }
            return []
        case .stocktake(let s):
            return StocktakeSheet.key(&m, s, k)
        case .form(var f):
            switch k {
            case .escape:
                if f.kind == .changePassphrase, m.session?.mustChangePassphrase == true {
                    f.error = Message("tui.passphrase.mustChange")
                    m.dialog = .form(f)
                    return []
                }
                m.dialog = nil
                m.status = Status(Message("tui.form.cancelled"))
                return []
            case .tab, .down:
                f.focus = (f.focus + 1) % f.fields.count
            case .backTab, .up:
                f.focus = (f.focus + f.fields.count - 1) % f.fields.count
            case .enter where f.focus < f.fields.count - 1:
                f.focus += 1
            case .enter, .function(2):
                m.dialog = .form(f)
                return Forms.submit(&m, f)
            default:
                guard f.fields.indices.contains(f.focus) else { break }
                switch f.fields[f.focus].value {
                case .choice(let cs, let i):
                    switch k {
                    case .right, .char(" "), .char("+"), .char("l"):
                        f.fields[f.focus].value = .choice(cs, (i + 1) % max(1, cs.count))
                    case .left, .char("-"), .char("h"):
                        f.fields[f.focus].value = .choice(cs, (i + cs.count - 1) % max(1, cs.count))
                    default:
                        break
                    }
                    Forms.choiceChanged(m, &f)
                case .text(var t, let numeric):
                    if numeric, case .char(let c) = k, !(c.isASCII && c.isNumber) { break }
                    if t.handle(k) { f.error = nil }
                    f.fields[f.focus].value = .text(t, numeric: numeric)
                }
            }
            m.dialog = .form(f)
            return []
        }
    }

    static func confirmed(_ m: inout Model, _ a: ConfirmAction) -> [Effect] {
        switch a {
        case .merge(let from, let into):
            return Forms.check(&m, .merge(from: from, into: into))
        case .unmerge(let from, let into):
            return Forms.check(&m, .unmerge(from: from, into: into))
        case .newClient(let u, _):
            m.contact.resolved = u
            m.contact.isNew = true
            m.contact.code.text = u.code
            m.contact.matches = []
            m.contact.section = .items
            m.status = Status(Message("tui.contact.newClient.ok", u.code), .info)
            // A code just built for a new client: their profile next (Esc skips it).
            if m.contact.fromBuilder { m.dialog = .form(Forms.newClientProfile(m, client: u)) }
            return []
        case .quit:
            m.quitting = true
            return [.quit]
        case .discardContact(let then):
            m.contact = ContactForm(catalogue: m.config.catalogue, type: m.contact.type)
            m.screen = then
            return []
        case .removeUser(let name):
            // The confirmation showed the last-holder warning when it applied: "yes" is the consent.
            return [.removeUser(name, force: m.users.accounts.first { $0.name == name }?.lastNotesHolder ?? false)]
        case .rekey:
            m.status = Status(Message("tui.users.rekeying"))
            m.busy = Busy(kind: .rekey, started: m.now)
            return [.rekey]
        case .resetPassphrase(let name, let passphrase):
            return [.resetPassphrase(name, passphrase: passphrase, force: true)]
        case .grantNotes(let name):
            return [.grantNotes(name)]
        case .untrustPeer(let name):
            return [.untrustPeer(name)]
        case .largeQuantities:
            m.contact.confirmedLarge = true
            return ContactScreen.save(&m)
        case .void(let id, let reason, let note):
            return Forms.check(&m, .void(id, reason: reason, note: note))
        case .expiringLot(let form, let draft):
            // Back in the form, so that a refusal shows beside it; saving closes it.
            m.dialog = .form(form)
            return Forms.check(&m, draft)
        }
    }

    static func declined(_ m: inout Model, _ a: ConfirmAction) -> [Effect] {
        if case .newClient = a {
            m.contact.section = .code
            m.status = Status(Message("tui.contact.newClient.no"))
        }
        if case .largeQuantities = a {
            m.contact.section = .items
            m.status = Status(Message("tui.contact.large.no"))
        }
        if case .void = a { m.status = Status(Message("tui.amend.void.no")) }
        if case .expiringLot(var form, _) = a {
            form.focus = form.fields.firstIndex { $0.id == "expires" } ?? form.focus
            m.dialog = .form(form)
            m.status = Status(Message("tui.stock.lotExpiry.no"))
        }
        return []
    }

    // MARK: Saved

    static func saved(_ m: inout Model, _ d: Draft) -> [Effect] {
        var effects: [Effect] = []
        /// A dialog that follows the save (the form that saved closes first).
        var followUp: Dialog?
        switch d.undated {
        case .contact(let c):
            let total = c.items.reduce(0) { $0 + Int($1.quantity) }
            let type = m.contact.type
            m.contact = ContactForm(catalogue: m.config.catalogue, type: type)
            if !c.referrals.isEmpty {
                m.status = Status(Message("tui.contact.savedReferrals", c.client, String(total), String(c.referrals.count)), .success)
            } else {
                m.status = Status(Message(c.newClient ? "tui.contact.savedNew" : "tui.contact.saved", c.client, String(total)), .success)
            }
            // A reactive rapid test proposes a confirmatory test: the referral form opens on it
            // (unless the worker already referred the client for it with the contact).
            if let r = c.detail.results.first(where: { $0.result == .reactive && !c.referrals.contains($0.service) }) {
                followUp = .form(Forms.confirmatoryReferral(m, client: c.client, service: r.service))
            }
        case .merge(let from, let into):
            m.duplicates.flipped = false
            m.duplicates.selection = min(m.duplicates.selection, max(0, DuplicatesScreen.rows(m).count - 1))
            m.status = Status(Message("tui.dup.merged", from.code, into.code), .success)
        case .unmerge(let from, let into):
            m.duplicates.selection = min(m.duplicates.selection, max(0, DuplicatesScreen.rows(m).count - 1))
            m.status = Status(Message("tui.dup.unmerged", from.code, into.code), .success)
        case .receive(let item, let q, _, _):
            m.status = Status(Message("tui.stock.received", itemName(m, item), String(q)), .success)
        case .transfer(let item, let q, let to):
            m.status = Status(Message("tui.stock.transferred", itemName(m, item), String(q), pointName(m, to)), .success)
        case .writeOff(let item, let q, _, let lot):
            m.status = lot.map { Status(Message("tui.stock.writtenOffLot", itemName(m, item), String(q), $0), .success) }
                ?? Status(Message("tui.stock.writtenOff", itemName(m, item), String(q)), .success)
        case .count(let item, let q):
            m.status = Status(Message("tui.stock.counted", itemName(m, item), String(q)), .success)
        case .stocktake(let counts):
            let differences = counts.filter { Int64($0.counted) != $0.expected }.count
            m.status = Status(Message("tui.stocktake.saved", String(counts.count), String(differences)), .success)
            if case .stocktake? = m.dialog { m.dialog = nil }
        case .confirmTransfer:
            m.status = Status(Message("tui.stock.arrived"), .success)
        case .issueReferral(let client, _, _, _):
            m.status = Status(Message("tui.referrals.issued", client), .success)
        case .updateReferral(_, let status, _):
            m.status = Status(Message("tui.referrals.updated", m.t("tui.status.\(status.rawValue)")), .success)
        case .correctContact(_, let c, _, _):
            let back = m.contact.returnTo ?? (m.clients.card != nil ? .clients : .home)
            m.contact = ContactForm(catalogue: m.config.catalogue, type: defaultContactType(m))
            m.screen = back
            m.status = Status(Message("tui.amend.corrected", c.client), .success)
        case .void:
            m.status = Status(Message("tui.amend.voided"), .success)
        case .confidentialNote(let id, _):
            m.referrals.notes[id] = nil
            if m.referrals.detail == id { effects.append(.openNotes(id)) }
            m.status = Status(Message("tui.referrals.noteSaved"), .success)
        case .incident(let kind, _, _):
            m.status = Status(Message("tui.incident.saved", m.t("incident.kind.\(kind.rawValue)")), .success)
        case .profile(let client, _, _, _, _):
            m.status = Status(Message("tui.profile.saved", client), .success)
        case .activity(let kind, let n):
            m.status = Status(Message("tui.activity.saved", m.t("activity.kind.\(kind.rawValue)"), String(n)), .success)
        case .dated:
            break   // `undated` never is
        }
        if let t = d.time {
            // Late entry: say when it was recorded for.
            m.status = Status(Message("tui.form.lateSaved", m.text(m.status?.message ?? Message("tui.saving")),
                                      Clock.dateTime(t, m.utcOffset)), .success)
        }
        if case .form? = m.dialog { m.dialog = nil }
        if let followUp { m.dialog = followUp }
        return effects
    }

    static func itemName(_ m: Model, _ id: String) -> String { m.config.catalogue.item(id)?.names[m.language] ?? id }
    static func pointName(_ m: Model, _ id: String) -> String { m.config.points.point(id)?.names[m.language] ?? id }
}
