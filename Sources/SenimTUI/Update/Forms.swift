import Foundation
import SenimCore

/// The small forms (stock movements, referrals, users, passphrase): how each is built and
/// what submitting it asks the runtime to do.
enum Forms {
    /// Checks a draft against a provisional context; if it passes, asks the runtime to save.
    static func check(_ m: inout Model, _ d: Draft) -> [Effect] {
        guard precheck(&m, d) else { return [] }
        m.status = Status(Message("tui.saving"))
        return [.save(d)]
    }

    /// Whether `d` would save now; if not, the reason is shown (in the open form, else the status line).
    static func precheck(_ m: inout Model, _ d: Draft) -> Bool {
        guard let s = m.session, var ctx = m.provisionalContext() else { return false }
        do {
            if let t = d.time {
                try Validator.checkTime(t, now: m.now)
                ctx.at = t
            }
            _ = try d.events(validator: m.validator, ledger: s.ledger, ctx: ctx, seal: { _ in [] })
        } catch {
            Update.showError(&m, Message.from(error))
            return false
        }
        return true
    }

    static func text(_ id: String, _ label: String, _ value: String = "", max: Int = 200, masked: Bool = false) -> FormField {
        FormField(id, label, .text(TextField(value, maxLength: max, masked: masked), numeric: false))
    }

    static func number(_ id: String, _ label: String, _ value: String = "") -> FormField {
        FormField(id, label, .text(TextField(value, maxLength: 9), numeric: true))
    }

    /// The late-entry field ("When"): starts on now; left as it is, the record is made now.
    static func atField(_ m: Model) -> FormField {
        text("at", "tui.form.at", Clock.dateTime(m.now, m.utcOffset), max: 16)
    }

    /// The time in a form's "When" field: nil when it still shows the time the form opened
    /// with (the record is made now), else the moment typed. Throws a message for the field.
    static func lateEntry(_ m: Model, _ f: Form) throws(Message) -> Timestamp? {
        let typed = f.value("at").trimmingCharacters(in: .whitespaces)
        guard !typed.isEmpty, typed != f.opened["at"] else { return nil }
        guard let t = Clock.parseMoment(typed, m.utcOffset) else { throw Message("tui.form.badTime", PrivacyGuard.echo(typed)) }
        try Validator.checkTime(t, now: m.now)
        return t
    }

    /// `d` at the form's "When" time, if one was typed.
    static func dated(_ d: Draft, _ at: Timestamp?) -> Draft { at.map { .dated(at: $0, d) } ?? d }

    /// The reason for a correction or a void, and an optional note.
    static func reasonFields() -> [FormField] {
        let reasons = AmendReason.allCases.map { Choice($0.rawValue, .key("tui.amend.reason.\($0.rawValue)")) }
        return [FormField("reason", "tui.form.reason", .choice(reasons, 0)), text("note", "tui.form.note", max: 2000)]
    }

    /// Asked when a correction of a contact is saved: why (the correction follows on F2).
    static func correctionReason(_ m: Model) -> Form {
        Form(kind: .correctionReason, title: "tui.form.correction.title", fields: reasonFields())
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
            return opened(Form(kind: .transfer, title: "tui.form.transfer.title", fields: [
                itemField(m, selected: item), number("quantity", "tui.form.quantity"),
                FormField("to", "tui.form.to", .choice(others, 0)), atField(m),
            ]))
        case .writeOff:
            return writeOff(m, item: item, lot: nil)
        case .count:
            return opened(Form(kind: .count, title: "tui.form.count.title", fields: [
                itemField(m, selected: item), number("counted", "tui.form.counted"), atField(m),
            ]))
        default:
            return opened(Form(kind: .receive, title: "tui.form.receive.title", fields: [
                itemField(m, selected: item), number("quantity", "tui.form.quantity"),
                text("lot", "tui.form.lot", max: 40), text("expires", "tui.form.expires", max: 10), atField(m),
            ]))
        }
    }

    /// A write-off; the lot field offers the item's lots at the user's point (first expiry
    /// first by default). Opened on a lot (the lots view), that lot is chosen and the quantity
    /// has the focus; an expired lot's reason starts on "expired".
    static func writeOff(_ m: Model, item: String?, lot: String?) -> Form {
        let reasons = WriteOffReason.allCases.map { Choice($0.rawValue, .key("tui.reason.\($0.rawValue)")) }
        let itemField = itemField(m, selected: item)
        let lots = StockLots.choices(m, item: itemField.string)
        let chosen = lot.flatMap { l in lots.firstIndex { $0.id == l } } ?? 0
        var reason = 0
        if chosen > 0, let s = m.session,
           let e = s.ledger.level(site: s.point, item: itemField.string)?.lots.first(where: { $0.lot == lot })?.expires,
           Validator.lotExpiry(e, today: m.today) == .expired {
            reason = WriteOffReason.allCases.firstIndex(of: .expired) ?? 0
        }
        var f = Form(kind: .writeOff, title: "tui.form.writeOff.title", fields: [
            itemField, number("quantity", "tui.form.quantity"), FormField("lot", "tui.form.lotChoice", .choice(lots, chosen)),
            FormField("reason", "tui.form.reason", .choice(reasons, reason)), atField(m),
        ])
        if lot != nil { f.focus = 1 }
        return opened(f)
    }

    /// Which merged code of a person to split off (their card, when more than one was merged).
    static func unmerge(_ m: Model, codes: [UIC]) -> Form {
        Form(kind: .unmerge, title: "tui.form.unmerge.title", fields: [
            FormField("code", "tui.form.unmergeCode", .choice(codes.map { Choice($0.code, .raw($0.code)) }, 0)),
        ])
    }

    /// A choice changed in an open form: fields that depend on it follow (the write-off's
    /// lots follow its item).
    static func choiceChanged(_ m: Model, _ f: inout Form) {
        guard f.kind == .writeOff, f.fields.indices.contains(f.focus), f.fields[f.focus].id == "item",
              let i = f.fields.firstIndex(where: { $0.id == "lot" }) else { return }
        f.fields[i].value = .choice(StockLots.choices(m, item: f.value("item")), 0)
    }

    /// Remembers what the fields showed when the form opened (a "When" left as it was means now).
    static func opened(_ f: Form) -> Form {
        var f = f
        for field in f.fields { f.opened[field.id] = field.string }
        return f
    }

    /// Days until a new referral is due unless the worker says otherwise.
    static let referralDueDays: DayNumber = 7

    static func issueReferral(_ m: Model, client: String) -> Form {
        let services = m.config.catalogue.services.map { Choice($0.id, .text($0.names)) }
        var f = Form(kind: .issueReferral, title: "tui.form.referral.title", fields: [
            text("client", "tui.form.client", client, max: 24),
            FormField("service", "tui.form.service", .choice(services, 0)),
            text("due", "tui.form.due", Clock.isoDate(m.today + referralDueDays), max: 10),
            text("note", "tui.form.note", max: 2000), atField(m),
        ])
        f.focus = client.isEmpty ? 0 : 1
        return opened(f)
    }

    /// The referral form after a reactive rapid test: client and service filled in.
    static func confirmatoryReferral(_ m: Model, client: String, service: String) -> Form {
        var f = issueReferral(m, client: client)
        let name = m.config.catalogue.service(service).map { $0.names[m.language] } ?? service
        f.title = "tui.form.confirmatory.title"
        f.error = Message("tui.form.confirmatory.body", name)
        if let i = m.config.catalogue.services.firstIndex(where: { $0.id == service }),
           case .choice(let choices, _) = f.fields[1].value {
            f.fields[1].value = .choice(choices, i)
        }
        f.focus = 2
        return opened(f)
    }

    static func updateReferral(_ m: Model, _ r: ReferralRecord) -> Form {
        let all = ReferralStatus.allCases
        let choices = all.map { Choice($0.rawValue, .key("tui.status.\($0.rawValue)")) }
        let next = min(all.count - 1, (all.firstIndex(of: r.status) ?? 0) + 1)
        return opened(Form(kind: .updateReferral(r.id), title: "tui.form.status.title", fields: [
            FormField("status", "tui.form.status", .choice(choices, next)),
            text("note", "tui.form.note", max: 2000), atField(m),
        ]))
    }

    static func confidentialNote(_ m: Model, _ r: ReferralRecord) -> Form {
        Form(kind: .confidentialNote(r.id), title: "tui.form.confidential.title", fields: [
            text("note", "tui.form.confidentialNote", max: 2000),
        ])
    }

    static func void(_ m: Model, _ id: EventID) -> Form {
        Form(kind: .void(id), title: "tui.form.void.title", fields: reasonFields())
    }

    static func addUser(_ m: Model) -> Form {
        let roles = Role.allCases.map { Choice($0.rawValue, .key("role.\($0.rawValue)")) }
        // The new user's point: the store's first (most users work where the laptop is).
        let here = m.session?.storePoint
        let points = m.config.points.points.sorted { ($0.id == here ? 0 : 1) < ($1.id == here ? 0 : 1) }
        return Form(kind: .addUser, title: "tui.form.addUser.title", fields: [
            text("name", "tui.form.userName", max: 32),
            FormField("role", "tui.form.role", .choice(roles, 0)),
            FormField("point", "tui.form.point", .choice(points.map { Choice($0.id, .text($0.names)) }, 0)),
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

    /// A rights-violation incident: kind first, so that a bare report takes ≤ 10 keys
    /// (i, → to the kind, F2). The code and the note are optional.
    static func incident(_ m: Model) -> Form {
        let kinds = IncidentKind.allCases.map { Choice($0.rawValue, .key("incident.kind.\($0.rawValue)")) }
        return Form(kind: .incident, title: "tui.form.incident.title", fields: [
            FormField("kind", "tui.form.incidentKind", .choice(kinds, 0)),
            text("client", "tui.form.clientOptional", max: 24),
            text("note", "tui.form.note", max: 2000),
        ])
    }

    /// The profile form for a client not registered yet (code builder): nothing recorded yet.
    static func newClientProfile(_ m: Model, client: UIC) -> Form {
        var f = profile(m, client: client)
        f.kind = .newClientProfile(client)
        f.title = "tui.form.newProfile.title"
        return f
    }

    /// An information session or training with its participant count.
    static func activity(_ m: Model) -> Form {
        let kinds = ActivityKind.allCases.map { Choice($0.rawValue, .key("activity.kind.\($0.rawValue)")) }
        return Form(kind: .activity, title: "tui.form.activity.title", fields: [
            FormField("kind", "tui.form.activityKind", .choice(kinds, 0)),
            number("participants", "tui.form.participants"),
        ])
    }

    /// A client's profile: one yes/no per route and substance, OAT, gender; starts from the
    /// profile as it is (a client with no route recorded counts as injecting: docs/indicators.md).
    static func profile(_ m: Model, client: UIC) -> Form {
        let now = m.session?.ledger.profile(of: client) ?? ProfileState()
        func yesNo(_ id: String, _ label: String, _ on: Bool) -> FormField {
            FormField(id, label, .choice([Choice("no", .key("profile.oat.no")), Choice("yes", .key("profile.oat.yes"))], on ? 1 : 0))
        }
        var fields: [FormField] = Route.allCases.map { yesNo("route.\($0.rawValue)", "profile.route.\($0.rawValue)", now.routes.contains($0)) }
        fields += Substance.allCases.map { yesNo("substance.\($0.rawValue)", "profile.substance.\($0.rawValue)", now.substances.contains($0)) }
        let oat = OATStatus.allCases
        fields.append(FormField("oat", "tui.form.oat", .choice(oat.map { Choice($0.rawValue, .key("profile.oat.\($0.rawValue)")) },
                                                             oat.firstIndex(of: now.oat ?? .unknown) ?? 0)))
        let genders: [Choice] = [Choice("", .key("tui.form.notRecorded"))]
            + Gender.allCases.map { Choice($0.rawValue, .key("profile.gender.\($0.rawValue)")) }
        fields.append(FormField("gender", "tui.form.gender", .choice(genders, now.gender.map { g in
            (Gender.allCases.firstIndex(of: g) ?? -1) + 1 } ?? 0)))
        return Form(kind: .profile(client), title: "tui.form.profile.title", fields: fields)
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
        let at: Timestamp?
        do { at = try lateEntry(m, f) } catch { return fail(error, field: "at") }
        switch f.kind {
        case .receive:
            guard let q = quantity("quantity") else { return fail(Message("tui.form.needQuantity"), field: "quantity") }
            let e = date("expires")
            guard e.ok else { return fail(Message("tui.form.badDate", PrivacyGuard.echo(f.value("expires"))), field: "expires") }
            let draft = dated(.receive(item: f.value("item"), quantity: q, lot: optional("lot"), expires: e.day), at)
            // A lot already expired, or expiring within 30 days, is received only after a "yes".
            if let x = e.day, Validator.expiresSoon(x, today: m.today) {
                let body = x < m.today ? Message("tui.stock.lotExpired.body", Clock.isoDate(x))
                    : Message("tui.stock.lotExpiring.body", Clock.isoDate(x), String(x - m.today))
                m.dialog = .confirm(Confirm(title: Message("tui.stock.lotExpiry.title"), lines: [body],
                                            action: .expiringLot(f, draft), yesFocused: false))
                return []
            }
            return check(&m, draft)
        case .transfer:
            guard let q = quantity("quantity") else { return fail(Message("tui.form.needQuantity"), field: "quantity") }
            return check(&m, dated(.transfer(item: f.value("item"), quantity: q, to: f.value("to")), at))
        case .writeOff:
            guard let q = quantity("quantity") else { return fail(Message("tui.form.needQuantity"), field: "quantity") }
            return check(&m, dated(.writeOff(item: f.value("item"), quantity: q,
                                             reason: WriteOffReason(rawValue: f.value("reason")) ?? .other,
                                             lot: f.value("lot").isEmpty ? nil : f.value("lot")), at))
        case .count:
            guard let q = quantity("counted") else { return fail(Message("tui.form.needQuantity"), field: "counted") }
            return check(&m, dated(.count(item: f.value("item"), counted: q), at))
        case .issueReferral:
            let d = date("due")
            guard d.ok else { return fail(Message("tui.form.badDate", PrivacyGuard.echo(f.value("due"))), field: "due") }
            return check(&m, dated(.issueReferral(client: f.value("client"), service: f.value("service"), due: d.day,
                                                  note: optional("note")), at))
        case .updateReferral(let id):
            return check(&m, dated(.updateReferral(id, status: ReferralStatus(rawValue: f.value("status")) ?? .issued,
                                                   note: optional("note")), at))
        case .overdoseDetail:
            m.contact.overdoseKind = OverdoseKind.allCases.firstIndex { $0.rawValue == f.value("kind") } ?? -1
            m.contact.responders = Responder.allCases.map { f.value($0.rawValue) == "yes" }
            m.dialog = nil
            return []
        case .testResult(let i):
            if m.contact.results.indices.contains(i) {
                m.contact.results[i] = TestResult.allCases.firstIndex { $0.rawValue == f.value("result") } ?? -1
            }
            m.dialog = nil
            return []
        case .correctionReason:
            let reason = AmendReason(rawValue: f.value("reason")) ?? .mistake
            let note = optional("note")
            if let note {
                do { try PrivacyGuard.require(note) } catch { return fail(Message.from(error), field: "note") }
            }
            guard let id = m.contact.correcting, let d = ContactScreen.draft(m) else {
                m.dialog = nil
                return []
            }
            return check(&m, .correctContact(id, d, reason: reason, note: note))
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
            let point = f.value("point")
            return [.addUser(name: name, role: Role(rawValue: f.value("role")) ?? .worker, passphrase: p,
                             point: point.isEmpty || point == m.session?.storePoint ? nil : point)]
        case .reportPeriod, .reportExport:
            return ReportScreen.submit(&m, f)
        case .backupPath, .trustPeer, .exportBundle, .importBundle:
            return OpsScreens.submit(&m, f)
        case .profile(let client):
            let routes = Route.allCases.filter { f.value("route.\($0.rawValue)") == "yes" }
            let substances = Substance.allCases.filter { f.value("substance.\($0.rawValue)") == "yes" }
            return check(&m, .profile(client: client.code, substances: substances, routes: routes,
                                      oat: OATStatus(rawValue: f.value("oat")), gender: Gender(rawValue: f.value("gender"))))
        case .unmerge:
            let from = UIC(normalised: f.value("code"))
            guard let into = DuplicatesScreen.mergedInto(m, from) else {
                return fail(Message("validate.unmerge.notMerged", f.value("code")))
            }
            m.dialog = DuplicatesScreen.confirmUnmerge(from: from, into: into)
            return []
        case .newClientProfile(let client):
            let routes = Route.allCases.filter { f.value("route.\($0.rawValue)") == "yes" }
            let substances = Substance.allCases.filter { f.value("substance.\($0.rawValue)") == "yes" }
            let oat = OATStatus(rawValue: f.value("oat"))
            let gender = Gender(rawValue: f.value("gender"))
            // Nothing said: nothing recorded (no route still counts as injecting).
            let said = !routes.isEmpty || !substances.isEmpty || (oat != nil && oat != .unknown) || gender != nil
            m.contact.profile = said ? ClientProfile(client: client, substances: substances, routes: routes, oat: oat, gender: gender) : nil
            m.dialog = nil
            if said { m.status = Status(Message("tui.profile.pending", client.code), .info) }
            return []
        case .incident:
            return check(&m, .incident(kind: IncidentKind(rawValue: f.value("kind")) ?? .policeStop, client: optional("client"),
                                       note: optional("note")))
        case .activity:
            guard let n = quantity("participants") else { return fail(Message("tui.form.needParticipants"), field: "participants") }
            return check(&m, .activity(kind: ActivityKind(rawValue: f.value("kind")) ?? .informationSession, participants: n))
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
