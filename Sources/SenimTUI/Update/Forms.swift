import Foundation
import SenimCore

/// The small forms (stock movements, referrals, users, passphrase): how each is built and
/// what submitting it asks the runtime to do.
enum Forms {
    /// Checks a draft against a provisional context; if it passes, asks the runtime to save.
    static func check(_ m: inout Model, _ d: Draft) -> [Effect] {
        guard let s = m.session, let ctx = m.provisionalContext() else { return [] }
        do {
            _ = try d.events(validator: m.validator, ledger: s.ledger, ctx: ctx, seal: { _ in [] })
        } catch {
            Update.showError(&m, Message.from(error))
            return []
        }
        m.status = Status(Message("tui.saving"))
        return [.save(d)]
    }

    static func text(_ id: String, _ label: String, _ value: String = "", max: Int = 200, masked: Bool = false) -> FormField {
        FormField(id, label, .text(TextField(value, maxLength: max, masked: masked), numeric: false))
    }

    static func number(_ id: String, _ label: String, _ value: String = "") -> FormField {
        FormField(id, label, .text(TextField(value, maxLength: 9), numeric: true))
    }

    static func itemField(_ m: Model, selected: String?) -> FormField {
        let items = m.config.catalogue.items
        let choices = items.map { Choice($0.id, .text($0.names)) }
        return FormField("item", "tui.form.item", .choice(choices, selected.flatMap { id in items.firstIndex { $0.id == id } } ?? 0))
    }

    static func stock(_ m: Model, _ cmd: Command, item: String?) -> Form {
        switch cmd {
        case .transfer:
            let here = m.session?.point
            let others = m.config.points.points.filter { $0.id != here }.map { Choice($0.id, .text($0.names)) }
            return Form(kind: .transfer, title: "tui.form.transfer.title", fields: [
                itemField(m, selected: item), number("quantity", "tui.form.quantity"),
                FormField("to", "tui.form.to", .choice(others, 0)),
            ])
        case .writeOff:
            let reasons = WriteOffReason.allCases.map { Choice($0.rawValue, .key("tui.reason.\($0.rawValue)")) }
            return Form(kind: .writeOff, title: "tui.form.writeOff.title", fields: [
                itemField(m, selected: item), number("quantity", "tui.form.quantity"),
                FormField("reason", "tui.form.reason", .choice(reasons, 0)),
            ])
        case .count:
            return Form(kind: .count, title: "tui.form.count.title", fields: [
                itemField(m, selected: item), number("counted", "tui.form.counted"),
            ])
        default:
            return Form(kind: .receive, title: "tui.form.receive.title", fields: [
                itemField(m, selected: item), number("quantity", "tui.form.quantity"),
                text("lot", "tui.form.lot", max: 40), text("expires", "tui.form.expires", max: 10),
            ])
        }
    }

    /// Days until a new referral is due unless the worker says otherwise.
    static let referralDueDays: DayNumber = 7

    static func issueReferral(_ m: Model, client: String) -> Form {
        let services = m.config.catalogue.services.map { Choice($0.id, .text($0.names)) }
        var f = Form(kind: .issueReferral, title: "tui.form.referral.title", fields: [
            text("client", "tui.form.client", client, max: 24),
            FormField("service", "tui.form.service", .choice(services, 0)),
            text("due", "tui.form.due", Clock.isoDate(m.today + referralDueDays), max: 10),
            text("note", "tui.form.note", max: 2000),
        ])
        f.focus = client.isEmpty ? 0 : 1
        return f
    }

    static func updateReferral(_ m: Model, _ r: ReferralRecord) -> Form {
        let all = ReferralStatus.allCases
        let choices = all.map { Choice($0.rawValue, .key("tui.status.\($0.rawValue)")) }
        let next = min(all.count - 1, (all.firstIndex(of: r.status) ?? 0) + 1)
        return Form(kind: .updateReferral(r.id), title: "tui.form.status.title", fields: [
            FormField("status", "tui.form.status", .choice(choices, next)),
            text("note", "tui.form.note", max: 2000),
        ])
    }

    static func confidentialNote(_ m: Model, _ r: ReferralRecord) -> Form {
        Form(kind: .confidentialNote(r.id), title: "tui.form.confidential.title", fields: [
            text("note", "tui.form.confidentialNote", max: 2000),
        ])
    }

    static func void(_ m: Model, _ id: EventID) -> Form {
        let reasons = AmendReason.allCases.map { Choice($0.rawValue, .key("tui.amend.reason.\($0.rawValue)")) }
        return Form(kind: .void(id), title: "tui.form.void.title", fields: [
            FormField("reason", "tui.form.reason", .choice(reasons, 0)),
            text("note", "tui.form.note", max: 2000),
        ])
    }

    static func addUser(_ m: Model) -> Form {
        let roles = Role.allCases.map { Choice($0.rawValue, .key("role.\($0.rawValue)")) }
        return Form(kind: .addUser, title: "tui.form.addUser.title", fields: [
            text("name", "tui.form.userName", max: 32),
            FormField("role", "tui.form.role", .choice(roles, 0)),
            text("pass", "tui.form.passphrase", max: 256, masked: true),
            text("repeat", "tui.form.repeat", max: 256, masked: true),
        ])
    }

    /// Always asks for the current passphrase (someone at a laptop left unlocked must not be
    /// able to take the account over). On a one-time passphrase the form cannot be left.
    static func changePassphrase(_ m: Model) -> Form {
        let forced = m.session?.mustChangePassphrase ?? false
        var f = Form(kind: .changePassphrase, title: forced ? "tui.form.passphrase.firstTitle" : "tui.form.passphrase.title", fields: [
            text("current", forced ? "tui.form.oneTimePassphrase" : "tui.form.currentPassphrase", max: 256, masked: true),
            text("pass", "tui.form.newPassphrase", max: 256, masked: true),
            text("repeat", "tui.form.repeat", max: 256, masked: true),
        ])
        if forced { f.error = Message("tui.passphrase.mustChange") }
        return f
    }

    /// A coordinator gives someone who forgot their passphrase a new one-time passphrase.
    static func resetPassphrase(_ m: Model, name: String) -> Form {
        Form(kind: .resetPassphrase(name), title: "tui.form.reset.title", fields: [
            text("pass", "tui.form.oneTimeNew", max: 256, masked: true),
            text("repeat", "tui.form.repeat", max: 256, masked: true),
        ])
    }

    static let minPassphrase = 8

    static func submit(_ m: inout Model, _ f: Form) -> [Effect] {
        func fail(_ msg: Message, field: String? = nil) -> [Effect] {
            var f = f
            f.error = msg
            if let field, let i = f.fields.firstIndex(where: { $0.id == field }) { f.focus = i }
            m.dialog = .form(f)
            return []
        }
        func quantity(_ id: String) -> Int? { Int(f.value(id)) }
        func optional(_ id: String) -> String? {
            let v = f.value(id).trimmingCharacters(in: .whitespaces)
            return v.isEmpty ? nil : v
        }
        func date(_ id: String) -> (ok: Bool, day: DayNumber?) {
            guard let v = optional(id) else { return (true, nil) }
            guard let d = Clock.parseDate(v) else { return (false, nil) }
            return (true, d)
        }
        switch f.kind {
        case .receive:
            guard let q = quantity("quantity") else { return fail(Message("tui.form.needQuantity"), field: "quantity") }
            let e = date("expires")
            guard e.ok else { return fail(Message("tui.form.badDate", PrivacyGuard.echo(f.value("expires"))), field: "expires") }
            return check(&m, .receive(item: f.value("item"), quantity: q, lot: optional("lot"), expires: e.day))
        case .transfer:
            guard let q = quantity("quantity") else { return fail(Message("tui.form.needQuantity"), field: "quantity") }
            return check(&m, .transfer(item: f.value("item"), quantity: q, to: f.value("to")))
        case .writeOff:
            guard let q = quantity("quantity") else { return fail(Message("tui.form.needQuantity"), field: "quantity") }
            return check(&m, .writeOff(item: f.value("item"), quantity: q,
                                      reason: WriteOffReason(rawValue: f.value("reason")) ?? .other))
        case .count:
            guard let q = quantity("counted") else { return fail(Message("tui.form.needQuantity"), field: "counted") }
            return check(&m, .count(item: f.value("item"), counted: q))
        case .issueReferral:
            let d = date("due")
            guard d.ok else { return fail(Message("tui.form.badDate", PrivacyGuard.echo(f.value("due"))), field: "due") }
            return check(&m, .issueReferral(client: f.value("client"), service: f.value("service"), due: d.day,
                                            note: optional("note")))
        case .updateReferral(let id):
            return check(&m, .updateReferral(id, status: ReferralStatus(rawValue: f.value("status")) ?? .issued,
                                             note: optional("note")))
        case .void(let id):
            let reason = AmendReason(rawValue: f.value("reason")) ?? .mistake
            let note = optional("note")
            if let note {
                do { try PrivacyGuard.require(note) } catch { return fail(Message.from(error), field: "note") }
            }
            m.dialog = .confirm(Confirm(title: Message("tui.amend.void.title"),
                                        lines: [Message("tui.amend.void.body", m.t("tui.amend.reason.\(reason.rawValue)"))],
                                        action: .void(id, reason, note), yesFocused: false))
            return []
        case .confidentialNote(let id):
            guard let t = optional("note") else { return fail(Message("tui.form.needNote"), field: "note") }
            return check(&m, .confidentialNote(id, text: t))
        case .addUser:
            let name = f.value("name").trimmingCharacters(in: .whitespaces)
            if let finding = PrivacyGuard.check(name) { return fail(finding.message, field: "name") }
            guard Validator.isValidUserName(name) else { return fail(Message("validate.user.name", PrivacyGuard.echo(name)), field: "name") }
            let p = f.value("pass")
            guard p.count >= minPassphrase else { return fail(Message("tui.users.passShort", String(minPassphrase)), field: "pass") }
            guard p == f.value("repeat") else { return fail(Message("tui.users.passMismatch"), field: "repeat") }
            return [.addUser(name: name, role: Role(rawValue: f.value("role")) ?? .worker, passphrase: p)]
        case .reportPeriod, .reportExport:
            return ReportScreen.submit(&m, f)
        case .changePassphrase:
            let current = f.value("current")
            guard !current.isEmpty else { return fail(Message("tui.users.needCurrent"), field: "current") }
            let p = f.value("pass")
            guard p.count >= minPassphrase else { return fail(Message("tui.users.passShort", String(minPassphrase)), field: "pass") }
            guard p == f.value("repeat") else { return fail(Message("tui.users.passMismatch"), field: "repeat") }
            guard p != current else { return fail(Message("tui.users.passSame"), field: "pass") }
            return [.changePassphrase(current: current, new: p)]
        case .resetPassphrase(let name):
            let p = f.value("pass")
            guard p.count >= minPassphrase else { return fail(Message("tui.users.passShort", String(minPassphrase)), field: "pass") }
            guard p == f.value("repeat") else { return fail(Message("tui.users.passMismatch"), field: "repeat") }
            if m.users.accounts.first(where: { $0.name == name })?.lastNotesHolder ?? false {
                m.dialog = .confirm(Confirm(title: Message("tui.users.reset.title", name),
                                            lines: [Message("tui.users.lastHolder", name)],
                                            action: .resetPassphrase(name, passphrase: p), yesFocused: false))
                return []
            }
            return [.resetPassphrase(name, passphrase: p, force: false)]
        }
    }
}
