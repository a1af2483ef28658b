import Foundation
import SenimCore

/// The new-contact form: code with live matches, packs, quantities, services, overdose,
/// contact type, note; saved with one key.
enum ContactScreen {
    static let maxMatches = 8

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
            return Screens.go(&m, .home)
        case .nextField, .prevField:
            if m.contact.section == .code, m.contact.resolved == nil, !m.contact.code.isEmpty, cmd == .nextField {
                // Tab out of the code field checks the code like Enter does.
                return resolveCode(&m)
            }
            let all = ContactForm.Section.allCases
            let i = all.firstIndex(of: m.contact.section)!
            m.contact.section = all[(i + (cmd == .nextField ? 1 : all.count - 1)) % all.count]
        case .up, .down:
            let d = cmd == .down ? 1 : -1
            switch m.contact.section {
            case .code:
                if !m.contact.matches.isEmpty {
                    m.contact.matchIndex = min(m.contact.matches.count - 1, max(0, m.contact.matchIndex + d))
                }
            case .items:
                m.contact.itemCursor = min(cat.items.count - 1, max(0, m.contact.itemCursor + d))
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
            case .services:
                m.contact.services[m.contact.serviceCursor].toggle()
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
            case .services: m.contact.services[m.contact.serviceCursor].toggle()
            case .items:
                let i = m.contact.itemCursor
                m.contact.quantities[i] = m.contact.quantities[i] > 0 ? 0 : 1
            case .overdose:
                let n = cat.overdoseOutcomes.count + 1
                m.contact.overdose = (m.contact.overdose + 2) % n - 1
            default: break
            }
        case .pack:
            guard case .char(let c) = k, let p = cat.packForKey(String(c)) else { return [] }
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
            m.contact.near = m.config.uic.nearDuplicates(of: u, among: l.clientIndex.keys)
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
                let near = m.config.uic.nearDuplicates(of: u, among: l.clientIndex.keys)
                let lines = near.isEmpty ? [Message("tui.contact.newClient.noSimilar")]
                    : [Message("tui.contact.newClient.similar", near.prefix(6).map(\.code).joined(separator: "  ")),
                       Message("tui.contact.newClient.check")]
                m.dialog = .confirm(Confirm(title: Message("tui.contact.newClient.title", u.code), lines: lines,
                                            action: .newClient(u), yesFocused: near.isEmpty))
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
        let note = m.contact.note.text.trimmingCharacters(in: .whitespacesAndNewlines)
        return ContactDraft(
            client: u.code, type: cat.contactTypes[m.contact.type].id, packs: packs, items: items, services: services,
            overdose: m.contact.overdose >= 0 ? cat.overdoseOutcomes[m.contact.overdose].id : nil,
            note: note.isEmpty ? nil : note, newClient: m.contact.isNew)
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
        if let id = m.contact.correcting { return Forms.check(&m, .correctContact(id, d)) }
        return Forms.check(&m, .contact(d))
    }
}
