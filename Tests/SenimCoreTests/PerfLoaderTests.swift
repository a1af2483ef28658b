import Testing
import SenimCore
import SenimTestSupport

/// The ledger's one path (`LedgerLoader`: a store's open, sync import, compaction, verify and
/// `LedgerState.fold`) must give exactly what the reference fold (`ReferenceFold`, tests only)
/// gives: same records, same interner order, same stock, same errors — on every event kind.
@Suite struct PerfLoaderTests {
    static let cat = Fixtures.catalogue

    /// Every observable part of a state, compared field by field (empty = same).
    static func differences(_ a: LedgerState, _ b: LedgerState) -> [String] {
        var d: [String] = []
        func check<T: Equatable>(_ name: String, _ x: T, _ y: T) { if x != y { d.append(name) } }
        check("sites", a.sites.names, b.sites.names)
        check("items", a.items.names, b.items.names)
        check("services", a.services.names, b.services.names)
        check("workers", a.workers.names, b.workers.names)
        check("contactTypes", a.contactTypes.names, b.contactTypes.names)
        check("outcomes", a.outcomes.names, b.outcomes.names)
        check("clients", a.clients, b.clients)
        check("clientIndex", a.clientIndex, b.clientIndex)
        check("contacts", a.contacts, b.contacts)
        check("contactItems", a.contactItems, b.contactItems)
        check("contactServices", a.contactServices, b.contactServices)
        check("contactNotes", a.contactNotes, b.contactNotes)
        check("stock", a.stock, b.stock)
        check("movements", a.movements, b.movements)
        check("discrepancies", a.discrepancies, b.discrepancies)
        check("transfers", a.transfers, b.transfers)
        check("referrals", a.referrals, b.referrals)
        check("referralOrder", a.referralOrder, b.referralOrder)
        check("referralList", a.referralList, b.referralList)
        check("referralList is referrals in issue order", a.referralList, a.referralOrder.compactMap { a.referrals[$0] })
        check("users", a.users, b.users)
        check("userPoints", a.userPoints, b.userPoints)
        // Corrections and voids: which ones, in what order, whether each record was seen. (The
        // original's packs and device are not kept for contacts loaded by the fast path.)
        func amends(_ l: LedgerState) -> [EventID: [String]] {
            l.amendments.mapValues { h in h.changes.map { "\($0.id)" } + [h.original?.id.description ?? "pending", "\(h.voided)"] }
        }
        check("amendments", amends(a), amends(b))
        check("profiles", a.profiles, b.profiles)
        check("incidents", a.incidents, b.incidents)
        check("activities", a.activities, b.activities)
        check("eventCount", a.eventCount, b.eventCount)
        check("last.at", a.last?.at, b.last?.at)
        check("last.id", a.last?.id, b.last?.id)
        for p in ["", "M", "MA", "K", "Z", "A", "T", "X"] {
            check("prefix \(p)", a.clients(withPrefix: p, limit: 7), b.clients(withPrefix: p, limit: 7))
        }
        return d
    }

    /// Contact-heavy random events with everything a contact can carry, non-ASCII names,
    /// repeated times, stock with lots, merges and referrals mixed in.
    static func richEvents(_ n: Int, _ g: inout SplitMix) -> [Event] {
        let items = cat.items.map(\.id) + ["retired-item", "a-long-item-id-past-sixteen-bytes"]
        let authors = ["aigerim", "Әсел", "dana", "Ерлан Сәрсенбаев", "w"]
        let sites = PropertyTests.sites + ["темиртау-мобильный"]
        var codes = PropertyTests.codes.map(\.code)
        for i in 0..<40 { codes.append("C\(i % 7)DE\(100 + i)") }
        var out = PropertyTests.randomEvents(n / 4, &g)
        // Kinds the property generator does not make: notes on referrals (some before their
        // referral, some on none), users added and removed (some removed before being added).
        let referrals = out.filter { if case .referralIssued = $0.body { true } else { false } }.map(\.id)
        for k in 0..<max(6, n / 40) {
            let target = k % 5 == 4 ? EventID.random(using: &g) : (referrals.randomElement(using: &g) ?? EventID.random(using: &g))
            let at = Timestamp(g.next() % 2_000)
            let someone = UIC(normalised: codes.randomElement(using: &g)!)
            let body: EventBody = switch k % 7 {
            // A user's point, some for users never added or later removed.
            case 6: .userPointSet(name: authors.randomElement(using: &g)!, point: sites.randomElement(using: &g)!)
            case 0: .referralNoteAdded(ConfidentialNote(referral: target, sealed: (0..<Int(g.next() % 40)).map { _ in UInt8(truncatingIfNeeded: g.next()) }))
            case 1: .userAdded(name: authors.randomElement(using: &g)!, role: Role.allCases.randomElement(using: &g)!)
            case 2: .userRemoved(name: authors.randomElement(using: &g)!)
            // Profiles (some fields left unchanged), incidents with and without a code, activities.
            case 3: .clientProfileSet(ClientProfile(
                client: someone, substances: g.next() % 2 == 0 ? [Substance.allCases.randomElement(using: &g)!] : nil,
                routes: g.next() % 3 == 0 ? [] : [Route.allCases.randomElement(using: &g)!],
                oat: g.next() % 2 == 0 ? OATStatus.allCases.randomElement(using: &g)! : nil,
                gender: g.next() % 2 == 0 ? Gender.allCases.randomElement(using: &g)! : nil))
            case 4: .incidentRecorded(Incident(kind: IncidentKind.allCases.randomElement(using: &g)!,
                                               client: g.next() % 2 == 0 ? someone : nil, note: g.next() % 3 == 0 ? "у рынка" : nil))
            default: .activityRecorded(GroupActivity(kind: ActivityKind.allCases.randomElement(using: &g)!,
                                                     participants: Int32(g.next() % 30) + 1))
            }
            out.append(Event(id: EventID.random(using: &g), at: at, author: "c", device: DeviceID(1), site: sites[0], body: body))
        }
        for _ in 0..<(n - n / 4) {
            let id = EventID.random(using: &g)
            let at = Timestamp(g.next() % 2_000)
            let site = sites.randomElement(using: &g)!
            let author = authors.randomElement(using: &g)!
            let client = UIC(normalised: codes.randomElement(using: &g)!)
            let body: EventBody
            if g.next() % 8 == 0 {
                body = .clientRegistered(client)
            } else {
                var lines: [ItemQuantity] = []
                for _ in 0..<Int(g.next() % 7) {
                    lines.append(ItemQuantity(item: items.randomElement(using: &g)!, quantity: Int32(g.next() % 40) + 1))
                }
                let services = (0..<Int(g.next() % 3)).map { _ in cat.services.randomElement(using: &g)!.id }
                let overdose = g.next() % 10 == 0 ? cat.overdoseOutcomes.randomElement(using: &g)!.id : nil
                let note: String? = switch g.next() % 12 { case 0: "Заметка"; case 1: ""; default: nil }
                body = .contactLogged(Contact(client: client, type: cat.contactTypes.randomElement(using: &g)!.id,
                                              items: lines, services: services, overdose: overdose, note: note,
                                              packs: g.next() % 2 == 0 ? ["injecting"] : []))
            }
            out.append(Event(id: id, at: at, author: author, device: DeviceID(g.next() % 4), site: site, body: body))
        }
        // Corrections and voids of some contacts, movements and status changes (some made by a
        // clock behind their record's, some of records never seen), and unmerges.
        let contacts = out.filter { if case .contactLogged = $0.body { true } else { false } }
        let voidable = out.filter { $0.body.isVoidable }
        for k in 0..<max(8, n / 30) {
            let target: Event? = k % 6 == 5 ? nil : (k % 2 == 0 ? contacts.randomElement(using: &g) : voidable.randomElement(using: &g))
            let targetID = target?.id ?? EventID.random(using: &g)
            let at = (target?.at ?? 1_000) + Timestamp(g.next() % 600) - 100
            let body: EventBody
            if k % 7 == 3 {
                body = .clientUnmerged(UIC(normalised: codes.randomElement(using: &g)!))
            } else if k % 3 == 0, case .contactLogged(var c)? = target?.body {
                c.items = c.items.map { ItemQuantity(item: $0.item, quantity: Int32(g.next() % 20) + 1) }
                c.note = g.next() % 2 == 0 ? nil : "исправлено"
                body = .contactCorrected(ContactCorrection(target: targetID, contact: c, reason: .mistake, note: "сорок, не четыре"))
            } else if k % 3 == 1 {
                body = .contactCorrected(ContactCorrection(target: targetID, contact: Contact(
                    client: UIC(normalised: codes.randomElement(using: &g)!), type: "stationary",
                    items: [ItemQuantity(item: items.randomElement(using: &g)!, quantity: 3)]), reason: .wrongClient))
            } else {
                body = .recordVoided(VoidRecord(target: targetID, reason: AmendReason.allCases.randomElement(using: &g)!))
            }
            out.append(Event(id: EventID.random(using: &g), at: at, author: authors.randomElement(using: &g)!,
                             device: DeviceID(2), site: sites[0], body: body))
        }
        return out
    }

    /// Every event kind the codec knows. A new kind goes here and into `richEvents`, so the
    /// equality tests cover it.
    static let everyKind: Set<String> = [
        "client-registered", "contact-logged", "stock-received", "stock-transferred", "stock-transfer-received",
        "stock-written-off", "stock-counted", "referral-issued", "referral-updated", "referral-note-added",
        "clients-merged", "user-added", "user-removed", "contact-corrected", "record-voided", "client-unmerged",
        "clients-merged", "user-added", "user-removed", "client-profile-set", "incident-recorded", "activity-recorded",
        "user-point-set",
    ]

    static func encode(_ events: [Event]) -> [UInt8] {
        var w = BinaryWriter()
        for e in events { EventCodec.encode(e, into: &w) }
        return w.bytes
    }

    /// Loads `bytes` in chunks that end on record boundaries chosen by `g`.
    static func load(_ events: [Event], _ g: inout SplitMix) throws -> LedgerState {
        var loader = LedgerLoader(catalogue: cat)
        var i = 0
        while i < events.count {
            let n = Int(g.next() % 50) + 1
            let chunk = Array(events[i..<min(events.count, i + n)])
            switch g.next() % 7 {
            case 0:
                for e in chunk { loader.load(e) }   // the decoded-event entry point mixes in
            case 1, 2:
                // Records framed as a store's chunk holds them: spans with gaps between them.
                var buffer: [UInt8] = []
                var spans: [ByteSpan] = []
                for e in chunk {
                    buffer += [0xEE, 0xEE]
                    let b = EventCodec.encode(e)
                    spans.append(ByteSpan(start: buffer.count, count: b.count))
                    buffer += b
                }
                try buffer.withUnsafeBytes { raw in
                    try spans.withUnsafeBufferPointer { try loader.load(raw, records: $0) }
                }
            default:
                try loader.load(encoded: encode(chunk))
            }
            i += n
        }
        return loader.finish()
    }

    @Test(arguments: 0..<12)
    func loaderEqualsFoldInOrderShuffledAndRepeated(seed: UInt64) throws {
        var g = SplitMix(seed: seed &+ 500)
        let events = Self.richEvents(600, &g)
        let reference = ReferenceFold.fold(events, catalogue: Self.cat)
        let sorted = events.sorted(by: Event.foldsBefore)
        #expect(Self.differences(ReferenceFold.fold(sorted, catalogue: Self.cat), reference) == [])
        #expect(Self.differences(LedgerState.fold(events, catalogue: Self.cat), reference) == [])
        #expect(Self.differences(LedgerState.fold(sorted, catalogue: Self.cat), reference) == [])
        #expect(Set(events.map(\.body.kindName)) == Self.everyKind, "the random events must cover every kind")

        // In canonical order: one buffer, then chunks.
        var one = LedgerLoader(catalogue: Self.cat)
        try one.load(encoded: Self.encode(sorted))
        #expect(!one.needsRefold)
        #expect(Self.differences(one.finish(), reference) == [])
        #expect(Self.differences(try Self.load(sorted, &g), reference) == [])

        // Shuffled: late events force a refold from the compact records.
        var shuffled = events
        shuffled.shuffle(using: &g)
        #expect(Self.differences(try Self.load(shuffled, &g), reference) == [])

        // Repeats (a bundle imported twice, a journal frame also in the snapshot).
        let repeated = sorted + sorted.prefix(200)
        #expect(Self.differences(try Self.load(repeated, &g), reference) == [])
        var mixed = sorted
        mixed.insert(contentsOf: sorted[100..<150], at: 300)
        #expect(Self.differences(try Self.load(mixed, &g), reference) == [])

        // Mostly in order with a few late arrivals (clock skew, a sync import).
        var skewed = sorted
        for _ in 0..<5 {
            let e = skewed.remove(at: Int(g.next() % UInt64(skewed.count)))
            skewed.insert(e, at: Int(g.next() % UInt64(skewed.count)))
        }
        #expect(Self.differences(try Self.load(skewed, &g), reference) == [])
    }

    @Test func sameIdAtDifferentTimesFoldsLikeFold() throws {
        // Two events sharing an id (never produced by Senim, but possible in damaged or
        // hostile bundles): which one counts depends on what sorts between them.
        var g = SplitMix(seed: 77)
        let base = Self.richEvents(80, &g).sorted(by: Event.foldsBefore)
        var events = base
        var twin = base[10]
        twin.at += 500
        events.append(twin)
        var twin2 = base[20]
        twin2.at = base[21].at
        events.insert(twin2, at: 21)
        let reference = ReferenceFold.fold(events, catalogue: Self.cat)
        for order in [events, events.reversed(), events.shuffled(using: &g)] {
            #expect(Self.differences(try Self.load(order, &g), reference) == [])
        }
    }

    @Test func canonicallyEquivalentSpellingsShareOneIndex() throws {
        // "Әсел" precomposed and decomposed: one worker, as with a String dictionary.
        let composed = "\u{04D8}сел"
        let decomposed = "\u{0410}\u{0308}сел"   // not canonically equal to Ә: stays separate
        let cafe1 = "Caf\u{E9}", cafe2 = "Cafe\u{301}"
        var events: [Event] = []
        for (i, author) in [composed, decomposed, cafe1, cafe2, cafe1].enumerated() {
            events.append(Event(id: EventID(high: 1, low: UInt64(i)), at: Timestamp(i), author: author, device: DeviceID(1),
                                site: i % 2 == 0 ? "Sit\u{E9}" : "Site\u{301}",
                                body: .contactLogged(Contact(client: UIC(normalised: i % 2 == 0 ? "\u{C5}B1" : "A\u{30A}B1"),
                                                             type: "stationary", items: [ItemQuantity(item: "needle", quantity: 1)]))))
        }
        let reference = ReferenceFold.fold(events, catalogue: Self.cat)
        var loader = LedgerLoader(catalogue: Self.cat)
        try loader.load(encoded: Self.encode(events))
        let s = loader.finish()
        #expect(Self.differences(s, reference) == [])
        #expect(s.workers.count == reference.workers.count)
        #expect(s.clients.count == 1)
        #expect(s.sites.lookup("Site\u{301}") == s.sites.lookup("Sit\u{E9}"))
    }

    @Test func aBadRecordThrowsTheCodecErrorAndKeepsWhatCameBefore() throws {
        var g = SplitMix(seed: 9)
        let events = Self.richEvents(60, &g).sorted(by: Event.foldsBefore)
        let good = Self.encode(Array(events.prefix(30)))
        let rest = Self.encode(Array(events.suffix(10)))
        for (bad, after, expected) in [([UInt8(9)], rest, CodecError.unsupportedVersion(9)),
                                       (Array(EventCodec.encode(events[30]).dropLast(3)), [], CodecError.truncated)] {
            var loader = LedgerLoader(catalogue: Self.cat)
            #expect(throws: expected) { try loader.load(encoded: good + bad + after) }
            #expect(throws: expected) { _ = try EventCodec.decode(bad) }
            #expect(Self.differences(loader.finish(), ReferenceFold.fold(Array(events.prefix(30)), catalogue: Self.cat)) == [])
        }
        // Bad UTF-8 inside a contact's item id: the general decoder's error, nothing applied.
        var contact = events.first { if case .contactLogged(let c) = $0.body { !c.items.isEmpty } else { false } }!
        guard case .contactLogged(var c) = contact.body else { return }
        c.items[0].item = "zzzz"
        contact.body = .contactLogged(c)
        var bytes = EventCodec.encode(contact)
        let at = bytes.indices.first { bytes[$0...].starts(with: Array("zzzz".utf8)) }!
        bytes[at + 1] = 0xFF
        var loader = LedgerLoader(catalogue: Self.cat)
        #expect(throws: CodecError.badUTF8) { try loader.load(encoded: bytes) }
        let s = loader.finish()
        #expect(s.eventCount == 0 && s.clients.isEmpty && s.items.names == Self.cat.items.map(\.id))
    }

    @Test func mutatedBuffersNeverTrapAndMatchTheGeneralDecoder() {
        var g = SplitMix(seed: 4242)
        let events = Self.richEvents(40, &g).sorted(by: Event.foldsBefore)
        let clean = Self.encode(events)
        for _ in 0..<3_000 {
            var bytes = clean
            for _ in 0..<Int(g.next() % 4) + 1 {
                switch g.next() % 3 {
                case 0: bytes[Int(g.next() % UInt64(bytes.count))] ^= UInt8(1 << (g.next() % 8))
                case 1: bytes.remove(at: Int(g.next() % UInt64(bytes.count)))
                default: bytes.insert(UInt8(truncatingIfNeeded: g.next()), at: Int(g.next() % UInt64(bytes.count)))
                }
            }
            // Reference: decode records one by one with the general decoder until one fails.
            var decoded: [Event] = []
            var refError: CodecError?
            bytes.withUnsafeBytes { raw in
                var r = BinaryReader(raw)
                while r.remaining > 0 {
                    do throws(CodecError) { decoded.append(try EventCodec.decode(from: &r)) } catch { refError = error; break }
                }
            }
            var loader = LedgerLoader(catalogue: Self.cat)
            var loaderError: CodecError?
            do throws(CodecError) { try loader.load(encoded: bytes) } catch { loaderError = error }
            #expect(loaderError == refError)
            let diff = Self.differences(loader.finish(), ReferenceFold.fold(decoded, catalogue: Self.cat))
            #expect(diff == [])
            if !diff.isEmpty { break }
        }
    }

    @Test func appendAndApplyInOrderKeepStockAndSearchCurrent() {
        var g = SplitMix(seed: 31)
        let events = Self.richEvents(400, &g).sorted(by: Event.foldsBefore)
        var s = LedgerState(catalogue: Self.cat)
        for (i, e) in events.enumerated() {
            // A correction or void asks for a refold (its record may be folded already).
            if !s.append(e) {
                #expect(e.body.amendTarget != nil)
                s = LedgerState.fold(Array(events[...i]), catalogue: Self.cat)
            }
            if i % 97 == 0 {
                #expect(Self.differences(s, ReferenceFold.fold(Array(events[...i]), catalogue: Self.cat)) == [])
            }
        }
        #expect(Self.differences(s, ReferenceFold.fold(events, catalogue: Self.cat)) == [])
    }
}

/// The sorted code index answers exactly what a scan of all clients answers.
@Suite struct PerfSearchTests {
    static func naive(_ s: LedgerState, _ prefix: String, limit: Int) -> [UIC] {
        Array(s.clients.filter { $0.mergedInto == nil && $0.uic.code.hasPrefix(prefix) }.map(\.uic).sorted().prefix(limit))
    }

    @Test func prefixSearchMatchesAScanThroughGrowthAndMerges() throws {
        var g = SplitMix(seed: 12)
        let letters = Array("ABKMSZ")
        var events: [Event] = []
        var codes: [UIC] = []
        for i in 0..<4_000 {
            var code = String((0..<4).map { _ in letters[Int(g.next() % UInt64(letters.count))] })
            code += "\(1 + g.next() % 2)\(80 + g.next() % 20)"
            if i % 500 == 0 { code = "Ñ" + code }            // a stray non-ASCII code
            if i % 700 == 0 { code += "LONGERTHANEIGHT" }
            let uic = UIC(normalised: code)
            codes.append(uic)
            let id = EventID(high: UInt64(i) + 1, low: 0)
            if i % 9 == 0, let other = codes.randomElement(using: &g) {
                events.append(Event(id: id, at: Timestamp(i), author: "c", device: DeviceID(1), site: "temirtau",
                                    body: .clientsMerged(from: uic, into: other)))
            } else {
                events.append(Event(id: id, at: Timestamp(i), author: "w", device: DeviceID(1), site: "temirtau",
                                    body: .clientRegistered(uic)))
            }
        }
        var appended = LedgerState()
        var prefixes = ["", "A", "AB", "ABK", "ABKM", "ABKM1", "ABKM18", "ABKM185", "ABKM185LONGER", "Ñ", "Ñ".decomposedStringWithCanonicalMappingIfAvailable, "Z", "ZZZZ299", "a", "9"]
        for c in codes.prefix(30) { prefixes.append(String(c.code.prefix(3))); prefixes.append(c.code) }
        for (i, e) in events.enumerated() {
            appended.append(e)
            if i % 450 == 0 || i == events.count - 1 {
                for p in prefixes {
                    for limit in [1, 20, 10_000] {
                        #expect(appended.clients(withPrefix: p, limit: limit) == Self.naive(appended, p, limit: limit), "prefix \(p) after \(i)")
                    }
                }
            }
        }
        var loader = LedgerLoader()
        var w = BinaryWriter()
        for e in events { EventCodec.encode(e, into: &w) }
        try loader.load(encoded: w.bytes)
        let loaded = loader.finish()
        for p in prefixes { #expect(loaded.clients(withPrefix: p) == Self.naive(loaded, p, limit: 20)) }
        #expect(loaded.clients(withPrefix: "A", limit: 0) == [])
    }
}

private extension String {
    /// "Ñ" written as N + combining tilde (canonically equal to the precomposed letter).
    var decomposedStringWithCanonicalMappingIfAvailable: String {
        self == "Ñ" ? "N\u{303}" : self
    }
}

@Suite struct PerfCodecTests {
    /// The reader's UTF-8 check accepts exactly what the standard library accepts.
    @Test func stringValidationAgreesWithTheStandardLibrary() {
        var g = SplitMix(seed: 99)
        let interesting: [[UInt8]] = [
            [0xC0, 0x80], [0xC2, 0x80], [0xE0, 0x9F, 0xBF], [0xE0, 0xA0, 0x80], [0xED, 0x9F, 0xBF], [0xED, 0xA0, 0x80],
            [0xEF, 0xBF, 0xBF], [0xF0, 0x8F, 0xBF, 0xBF], [0xF0, 0x90, 0x80, 0x80], [0xF4, 0x8F, 0xBF, 0xBF],
            [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80], [0xFF], [0x80], [0xE2, 0x82], Array("Әсел 🙂".utf8),
        ]
        var samples = interesting
        for _ in 0..<20_000 {
            let n = Int(g.next() % 24)
            var b: [UInt8] = (0..<n).map { _ in
                switch g.next() % 4 {
                case 0: UInt8(truncatingIfNeeded: g.next())
                case 1: UInt8(0x80 | g.next() % 0x40)
                case 2: [0xC2, 0xD0, 0xE0, 0xED, 0xEF, 0xF0, 0xF4, 0xF5][Int(g.next() % 8)]
                default: UInt8(0x20 + g.next() % 0x5F)
                }
            }
            if g.next() % 3 == 0, let i = interesting.randomElement(using: &g) { b += i }
            samples.append(b)
        }
        for b in samples {
            var w = BinaryWriter()
            w.blob(b)   // same layout as a string: length, bytes
            let viaReader: String? = w.bytes.withUnsafeBytes { raw in
                var r = BinaryReader(raw)
                return try? r.string("s")
            }
            #expect(viaReader == String(validating: b, as: UTF8.self), "\(b)")
        }
    }
}
