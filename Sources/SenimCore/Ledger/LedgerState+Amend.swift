/// Finding records by id for corrections, voids and `show` (linear scans: these run once per
/// command, never per event).
extension LedgerState {
    /// What a record now says, as a contact (nil if `index` is out of range).
    public func contactContent(_ index: Int) -> Contact? {
        guard contacts.indices.contains(index) else { return nil }
        let c = contacts[index]
        let packs: [String]
        if let h = amendments[c.id], case .contactLogged(let o)? = h.original?.body {
            packs = h.latest?.packs ?? o.packs
        } else {
            packs = []
        }
        return Contact(client: clients[Int(c.client)].uic, type: contactTypes[c.type],
                       items: lines(of: c).map { ItemQuantity(item: items[$0.item], quantity: $0.quantity) },
                       services: services(of: c).map { services[$0] },
                       overdose: c.overdose >= 0 ? outcomes[c.overdose] : nil,
                       note: contactNotes[Int32(index)], packs: packs,
                       detail: c.hasDetail ? contactDetails[Int32(index)] ?? ContactDetail() : ContactDetail())
    }

    /// Index of the contact with this id (voided contacts are not in `contacts`).
    public func contactIndex(_ id: EventID) -> Int? {
        contacts.withUnsafeBufferPointer { b in
            // Newest first: the records people fix are usually recent.
            var i = b.count - 1
            while i >= 0 {
                if b[i].id == id { return i }
                i -= 1
            }
            return nil
        }
    }

    /// The record with this id as a correction or void sees it, if this store has it.
    public func amendTarget(_ id: EventID) -> AmendTarget? {
        if let h = amendments[id], let o = h.original {
            var content: Contact?
            if case .contactLogged(let c) = o.body { content = h.latest ?? c }
            return AmendTarget(o, voided: h.voided, contact: content)
        }
        if let i = contactIndex(id) {
            let c = contacts[i]
            return AmendTarget(id: id, at: c.at, author: workers[c.worker], site: sites[c.site], kind: "contact-logged",
                               action: .logContact, voidable: true, voided: false, contact: contactContent(i))
        }
        if let m = movements.last(where: { $0.id == id }) {
            let (kind, action, voidable): (String, Action, Bool) = switch m.kind {
            case .received: ("stock-received", .receiveStock, true)
            case .transferOut: ("stock-transferred", .transferStock, true)
            case .writtenOff: ("stock-written-off", .writeOffStock, true)
            case .adjusted: ("stock-counted", .countStock, true)
            case .transferIn, .distributed: ("stock-transfer-received", .confirmTransfer, false)
            }
            return AmendTarget(id: id, at: m.at, author: workers[m.author], site: sites[m.site], kind: kind,
                               action: action, voidable: voidable, voided: false, contact: nil)
        }
        for r in referralRecords {
            if r.id == id {
                return AmendTarget(id: id, at: r.issuedAt, author: r.issuedBy, site: r.site, kind: "referral-issued",
                                   action: .issueReferral, voidable: false, voided: false, contact: nil)
            }
            if let ch = r.history.first(where: { $0.id == id }) {
                return AmendTarget(id: id, at: ch.at, author: ch.author, site: ch.site, kind: "referral-updated",
                                   action: .updateReferral, voidable: true, voided: ch.voided, contact: nil)
            }
        }
        return nil
    }

    /// Ids of every record people see and pick (contacts, voided ones too, stock movements,
    /// transfers, referrals and their changes, corrections and voids, incidents and group
    /// activities): the set short ids must be unique in.
    public var recordIDs: [EventID] {
        var ids: [EventID] = []
        ids.reserveCapacity(contacts.count + movements.count + referralRecords.count + amendments.count * 2)
        for c in contacts { ids.append(c.id) }
        for m in movements { ids.append(m.id) }
        for r in referralRecords {
            ids.append(r.id)
            for h in r.history { ids.append(h.id) }
        }
        for i in incidents { ids.append(i.id) }
        for a in activities { ids.append(a.id) }
        for (target, h) in amendments {
            if h.voided, h.original != nil, case .contactLogged? = h.original.map({ $0.body }) { ids.append(target) }
            for c in h.changes { ids.append(c.id) }
        }
        return ids
    }

    /// Ids of contacts, voided ones included (what `contact show` and `contact correct` accept).
    public var contactIDs: [EventID] {
        var ids = contacts.map(\.id)
        for e in voidedContacts { ids.append(e.id) }
        return ids
    }

    /// Ids of the records a void may name, and of referrals (so that naming one gets a clear
    /// refusal rather than "unknown").
    public var amendableIDs: [EventID] {
        let changes = Set(amendments.values.flatMap { $0.changes.map(\.id) })
        return recordIDs.filter { !changes.contains($0) }
    }

    /// The history of one record in fold order: the original, then each correction or void.
    public func history(of id: EventID) -> AmendmentHistory? { amendments[id] }

    /// Contacts voided, as first written (for listings with `--all`), in time order.
    public var voidedContacts: [Event] {
        amendments.values.compactMap { h -> Event? in
            guard h.voided, let o = h.original, case .contactLogged = o.body else { return nil }
            return o
        }.sorted(by: Event.foldsBefore)
    }
}
