import Foundation
import SenimCore

/// The new-contact form: code with live matches, packs, quantities, services, overdose,
/// contact type, note; saved with one key.
enum ContactScreen {
    static let maxMatches = 8
    /// Similar codes offered in the new-client question (digits 1… pick one).
    static let maxSimilar = 6

    static func run(_ m: inout Model, _ cmd: Command, _ k: Key) -> [Effect] {
        let cat = m.config.catalogue
        switch cmd {
        case .open:
            if m.contact.section == .code { return resolveCode(&m) }
            return save(&m)
        case .save:
            return save(&m)
        case .builder:
            m.dialog = .builder(Builder(questions: m.config.uic.questions.count))
        case .clear:
            if m.contact.isDirty {
                m.dialog = .confirm(Confirm(title: Message("tui.contact.clear.title"), lines: [Message("tui.contact.clear.body")],
                                            action: .discardContact(then: .contact), yesFocused: false))
            }
        case .back:
            if m.contact.correcting != nil {
                // Leaving an edit drops it: the contact stays as it was.
                let back = m.contact.returnTo ?? .home
                m.contact = ContactForm(catalogue: cat, type: Update.defaultContactType(m))
                m.status = Status(Message("tui.amend.editLeft"))
                return Screens.go(&m, back)
            }
            return Screens.go(&m, .home)
        case .nextField, .prevField:
            if m.contact.section == .code, m.contact.resolved == nil, !m.contact.code.isEmpty, cmd == .nextField {
                // Tab out of the code field checks the code like Enter does.
                return resolveCode(&m)
            }
            let all = ContactForm.Section.allCases
            let i = all.firstIndex(of: m.contact.section)!
            m.contact.section = all[(i + (cmd == .nextField ? 1 : all.count - 1)) % all.count]
            m.contact.itemPicked = false
            m.contact.typingQuantity = false
        case .top, .bottom:
            switch m.contact.section {
            case .items:
                m.contact.itemCursor = cmd == .top ? 0 : cat.items.count - 1
                pickItem(&m)
            case .services:
                m.contact.serviceCursor = cmd == .top ? 0 : cat.services.count - 1
            case .code:
                if !m.contact.matches.isEmpty { m.contact.matchIndex = cmd == .top ? 0 : m.contact.matches.count - 1 }
            default:
                break
            }
        case .refer:
            // First press goes to the services; then it marks the one under the cursor.
            if m.contact.section != .services {
                m.contact.section = .services
            } else {
                let i = m.contact.serviceCursor
                m.contact.referred[i].toggle()
                if m.contact.referred[i] { m.contact.services[i] = false }
            }
        case .up, .down:
            let d = cmd == .down ? 1 : -1
            switch m.contact.section {
            case .code:
                if !m.contact.matches.isEmpty {
                    m.contact.matchIndex = min(m.contact.matches.count - 1, max(0, m.contact.matchIndex + d))
                }
            case .items:
                m.contact.itemCursor = min(cat.items.count - 1, max(0, m.contact.itemCursor + d))
                pickItem(&m)
            case .services:
                m.contact.serviceCursor = min(cat.services.count - 1, max(0, m.contact.serviceCursor + d))
            case .overdose, .type, .note:
                // Arrows move between the one-line sections.
                let all = ContactForm.Section.allCases
                let i = all.firstIndex(of: m.contact.section)!
                m.contact.section = all[min(all.count - 1, max(0, i + d))]
            }
        case .more, .less, .moreTen, .lessTen:
            let step = cmd == .more ? 1 : cmd == .less ? -1 : cmd == .moreTen ? 10 : -10
            switch m.contact.section {
            case .items:
                let i = m.contact.itemCursor
                m.contact.quantities[i] = min(cat.limits.maxQuantityPerContact, max(0, m.contact.quantities[i] + step))
                pickItem(&m)
            case .services:
                toggleGiven(&m)
            case .overdose:
                let n = cat.overdoseOutcomes.count + 1
                m.contact.overdose = (m.contact.overdose + 1 + (step > 0 ? 1 : n - 1)) % n - 1
            case .type:
                let n = cat.contactTypes.count
                m.contact.type = (m.contact.type + (step > 0 ? 1 : n - 1)) % n
            default:
                break
            }
        case .toggle:
            switch m.contact.section {
            case .services: toggleGiven(&m)
            case .items:
                let i = m.contact.itemCursor
                m.contact.quantities[i] = m.contact.quantities[i] > 0 ? 0 : 1
                pickItem(&m)
            case .overdose:
                let n = cat.overdoseOutcomes.count + 1
                m.contact.overdose = (m.contact.overdose + 2) % n - 1
            default: break
            }
        case .detail:
            openDetail(&m)
        case .pack:
            guard case .char(let c) = k else { return [] }
            if m.contact.section == .items, m.contact.itemPicked, let digit = c.wholeNumberValue {
                typeQuantity(&m, digit)
                return []
            }
            guard let p = cat.packForKey(String(c)) else { return [] }
            for line in p.sortedItems {
                if let i = cat.itemPosition(line.item) {
                    m.contact.quantities[i] = min(cat.limits.maxQuantityPerContact, m.contact.quantities[i] + Int(line.quantity))
                }
            }
            m.contact.packs.append(p.id)
            if m.contact.section == .code { m.contact.section = .items }
            m.status = Status(Message("tui.contact.packAdded", p.names[m.language]), .info)
        default:
            break
        }
        return []
    }

    /// `d`: on the overdose line (with an outcome), its kind and who came; on a rapid test
    /// given today, its result. Elsewhere a hint says where it works.
    static func openDetail(_ m: inout Model) {
        let cat = m.config.catalogue
        let f = m.contact
        func yesNo(_ id: String, _ on: Bool) -> FormField {
            FormField(id, "tui.form.responder.\(id)", .choice([Choice("no", .key("profile.oat.no")), Choice("yes", .key("profile.oat.yes"))],
                                                              on ? 1 : 0))
        }
        if f.section == .overdose, f.overdose >= 0 {
            let kinds = [Choice("", .key("tui.form.notRecorded"))]
                + OverdoseKind.allCases.map { Choice($0.rawValue, .key("overdose.kind.\($0.rawValue)")) }
            m.dialog = .form(Form(kind: .overdoseDetail, title: "tui.form.overdose.title", fields: [
                FormField("kind", "tui.form.overdoseKind", .choice(kinds, f.overdoseKind + 1)),
            ] + Responder.allCases.enumerated().map { yesNo($1.rawValue, f.responders[$0]) }))
            return
        }
        let i = f.serviceCursor
        if f.section == .services, cat.services[i].isRapidTest, f.services[i] {
            let results = [Choice("", .key("tui.form.notRecorded"))]
                + TestResult.allCases.map { Choice($0.rawValue, .key("test.result.\($0.rawValue)")) }
            m.dialog = .form(Form(kind: .testResult(i), title: "tui.form.testResult.title", fields: [
                FormField("result", "tui.form.testResult", .choice(results, f.results[i] + 1)),
            ]))
            return
        }
        m.status = Status(Message("tui.contact.detailHint"), .info)
    }

    /// The worker chose an item: digits now type its quantity (afresh).
    static func pickItem(_ m: inout Model) {
        m.contact.itemPicked = true
        m.contact.typingQuantity = false
    }

    /// A digit typed on the chosen item: the first replaces the quantity, the next ones append.
    static func typeQuantity(_ m: inout Model, _ digit: Int) {
        let i = m.contact.itemCursor
        let old = m.contact.typingQuantity ? m.contact.quantities[i] : 0
        m.contact.quantities[i] = min(m.config.catalogue.limits.maxQuantityPerContact, old * 10 + digit)
        m.contact.typingQuantity = true
    }

    /// "Given today" on the service under the cursor (it stops being a referral).
    static func toggleGiven(_ m: inout Model) {
        let i = m.contact.serviceCursor
        m.contact.services[i].toggle()
        if m.contact.services[i] { m.contact.referred[i] = false }
    }

    /// Keys no binding took, outside text fields: Backspace takes back a typed digit; a letter
    /// jumps to the next item or service whose name starts with it.
    static func unbound(_ m: inout Model, _ k: Key) {
        let cat = m.config.catalogue
        switch (m.contact.section, k) {
        case (.items, .char(let c)) where m.contact.itemPicked && c.wholeNumberValue != nil:
            // Digits that are not pack keys (the pack keys arrive as `.pack`).
            typeQuantity(&m, c.wholeNumberValue!)
        case (.items, .backspace) where m.contact.itemPicked:
            let i = m.contact.itemCursor
            m.contact.quantities[i] /= 10
            m.contact.typingQuantity = true
        case (.items, .char(let c)) where c.isLetter:
            if let i = nextStarting(with: c, in: cat.items.map { $0.names[m.language] }, after: m.contact.itemCursor) {
                m.contact.itemCursor = i
                pickItem(&m)
            }
        case (.services, .char(let c)) where c.isLetter:
            if let i = nextStarting(with: c, in: cat.services.map { $0.names[m.language] }, after: m.contact.serviceCursor) {
                m.contact.serviceCursor = i
            }
        default:
            break
        }
    }

    /// Type-to-find: the first name after `current` (wrapping) that starts with `c`.
    static func nextStarting(with c: Character, in names: [String], after current: Int) -> Int? {
        guard !names.isEmpty else { return nil }
        let key = String(c).lowercased()
        for step in 1...names.count {
            let i = (current + step) % names.count
            if names[i].lowercased().hasPrefix(key) { return i }
        }
        return nil
    }

    /// Called after every edit of the code field: forget the old resolution, refresh matches.
    static func codeEdited(_ m: inout Model) {
        m.contact.resolved = nil
        m.contact.isNew = false
        m.contact.matchIndex = 0
        guard let l = m.session?.ledger else { return }
        let norm = Letters.normaliseCode(m.contact.code.text)
        if norm.isEmpty {
            m.contact.matches = []
            m.contact.near = []
            return
        }
        m.contact.matches = l.clients(withPrefix: norm, limit: maxMatches)
        if let u = m.config.uic.parse(norm), l.client(u) == nil {
            m.contact.near = DuplicateFinder.similar(to: u, in: l, formula: m.config.uic)
        } else {
            m.contact.near = []
        }
    }

    /// Enter in the code field: a complete known code is taken; a complete unknown code asks
    /// "new client?" (showing similar codes); an incomplete code takes the highlighted match.
    static func resolveCode(_ m: inout Model) -> [Effect] {
        guard let l = m.session?.ledger else { return [] }
        let typed = m.contact.code.text.trimmingCharacters(in: .whitespaces)
        if typed.isEmpty {
            m.status = Status(Message("tui.contact.needCode"), .error)
            m.contact.section = .code
            return []
        }
        if let u = m.config.uic.parse(typed) {
            if l.client(u) != nil {
                take(&m, u)
            } else {
                let near = DuplicateFinder.similar(to: u, in: l, formula: m.config.uic)
                let numbered = near.prefix(maxSimilar).enumerated().map { "\($0.offset + 1) \($0.element.code)" }
                let lines = near.isEmpty ? [Message("tui.contact.newClient.noSimilar")]
                    : [Message("tui.contact.newClient.similar", numbered.joined(separator: "   ")),
                       Message("tui.contact.newClient.check"), Message("tui.contact.newClient.pick", String(numbered.count))]
                m.dialog = .confirm(Confirm(title: Message("tui.contact.newClient.title", u.code), lines: lines,
                                            action: .newClient(u, similar: Array(near.prefix(maxSimilar))), yesFocused: near.isEmpty))
            }
            return []
        }
        if m.contact.matches.indices.contains(m.contact.matchIndex) {
            take(&m, m.contact.matches[m.contact.matchIndex])
            return []
        }
        m.status = Status(invalidCode(m, typed), .error)
        m.contact.section = .code
        return []
    }

    static func invalidCode(_ m: Model, _ typed: String) -> Message {
        do { _ = try m.validator.uic(typed) } catch { return error }
        return Message("tui.contact.needCode")
    }

    static func take(_ m: inout Model, _ u: UIC) {
        m.contact.resolved = u
        m.contact.isNew = false
        m.contact.code.text = u.code
        m.contact.matches = []
        m.contact.near = []
        m.contact.section = .items
    }

    static func draft(_ m: Model) -> ContactDraft? {
        guard let u = m.contact.resolved else { return nil }
        let cat = m.config.catalogue
        var items: [ItemQuantity] = []
        for (i, q) in m.contact.quantities.enumerated() where q > 0 {
            items.append(ItemQuantity(item: cat.items[i].id, quantity: Int32(q)))
        }
        // A pack counts as used only while all of its items are still handed out.
        let packs = m.contact.packs.filter { id in
            cat.pack(id)?.sortedItems.allSatisfy { l in (cat.itemPosition(l.item).map { m.contact.quantities[$0] } ?? 0) > 0 } ?? false
        }
        let services = zip(cat.services, m.contact.services).filter(\.1).map(\.0.id)
        let referrals = zip(cat.services, m.contact.referred).filter(\.1).map(\.0.id)
        let note = m.contact.note.text.trimmingCharacters(in: .whitespacesAndNewlines)
        return ContactDraft(
            client: u.code, type: cat.contactTypes[m.contact.type].id, packs: packs, items: items, services: services,
            overdose: m.contact.overdose >= 0 ? cat.overdoseOutcomes[m.contact.overdose].id : nil,
            note: note.isEmpty ? nil : note, newClient: m.contact.isNew, referrals: referrals,
            referralDue: referrals.isEmpty ? nil : m.today + Forms.referralDueDays, detail: m.contact.detail(cat),
            profile: m.contact.isNew && m.contact.profile?.client == u ? m.contact.profile : nil)
    }

    static func save(_ m: inout Model) -> [Effect] {
        if m.contact.resolved == nil {
            let effects = resolveCode(&m)
            guard m.contact.resolved != nil else { return effects }
        }
        guard let d = draft(m) else { return [] }
        if let note = d.note, PrivacyGuard.check(note) != nil { m.contact.section = .note }
        if !m.contact.confirmedLarge, let u = m.validator.unusualQuantities(d.items).first {
            let name = m.config.catalogue.item(u.item)?.names[m.language] ?? u.item
            m.dialog = .confirm(Confirm(title: Message("tui.contact.large.title"),
                                        lines: [Message("tui.contact.large.body", name, String(u.quantity), String(u.usualMaximum))],
                                        action: .largeQuantities, yesFocused: false))
            return []
        }
        m.contact.confirmedLarge = false
        if let id = m.contact.correcting {
            // Checked now (an unchanged contact is refused at once), then: why?
            guard Forms.precheck(&m, .correctContact(id, d, reason: .mistake, note: nil)) else { return [] }
            m.dialog = .form(Forms.correctionReason(m))
            return []
        }
        return Forms.check(&m, .contact(d))
    }
}
