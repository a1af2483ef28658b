import Foundation
import Testing
@testable import SenimCore

/// A contact's details (overdose kind, who came, rapid test results): the codec keeps old
/// records readable and byte-identical, the ledger folds the details once on every path, and
/// the validator refuses what does not fit the contact.
@Suite struct ContactDetailTests {
    static let detail = ContactDetail(overdoseKind: .stimulant, responders: [.ambulanceRefused, .policeCame],
                                      results: [ServiceResult(service: "hiv-test", result: .reactive)])

    static func event(_ n: UInt64, at: Timestamp = 1_790_000_000, _ body: EventBody) -> Event {
        Event(id: EventID(high: n, low: n), at: at, author: "aigerim", device: DeviceID(3), site: "almaty-central", body: body)
    }

    /// A contact as format version 1 wrote it before details existed, byte by byte from
    /// docs/file-format.md: id 1/1, at 100, author "ai", device 3, site "s1", client "AAAA185",
    /// type "stationary", one line of 2 × "needle", service "hiv-test", overdose "fatal", no note, no packs.
    static let oldContactBytes: [UInt8] = {
        func str(_ s: String) -> [UInt8] { [UInt8(s.utf8.count)] + Array(s.utf8) }
        var b: [UInt8] = [1]
        b += [1, 0, 0, 0, 0, 0, 0, 0] + [1, 0, 0, 0, 0, 0, 0, 0]   // id high, low (little-endian)
        b += [200, 1]                                               // at 100, zig-zag varint (200)
        b += str("ai") + [3, 0, 0, 0, 0, 0, 0, 0] + str("s1")
        b += [2]                                                    // kind: contact
        b += str("AAAA185") + str("stationary")
        b += [1] + str("needle") + [4]                              // 1 line, quantity 2 (zig-zag 4)
        b += [1] + str("hiv-test")
        b += [1] + str("fatal")                                     // overdose flag 1 + outcome
        b += [0]                                                    // no note
        b += [0]                                                    // no packs
        return b
    }()

    @Test func oldContactBytesStillDecodeAndEncodeTheSame() throws {
        let e = try EventCodec.decode(Self.oldContactBytes)
        guard case .contactLogged(let c) = e.body else { Issue.record("not a contact"); return }
        #expect(e.at == 100 && e.author == "ai" && e.site == "s1")
        #expect(c.client.code == "AAAA185" && c.items == [ItemQuantity(item: "needle", quantity: 2)])
        #expect(c.services == ["hiv-test"] && c.overdose == "fatal" && c.note == nil)
        #expect(c.detail.isEmpty)
        // A contact without details is written exactly as before: old readers can read it.
        #expect(EventCodec.encode(e) == Self.oldContactBytes)
        // And the fast path reads it too.
        var loader = LedgerLoader(catalogue: Fixtures.catalogue)
        try loader.load(encoded: Self.oldContactBytes)
        let l = loader.finish()
        #expect(l.contacts.count == 1 && !l.contacts[0].hasDetail && l.contactDetails.isEmpty)
        #expect(l.contactContent(0)?.overdose == "fatal")
    }

    @Test func detailsRoundTripInContactsAndCorrections() throws {
        let c = Contact(client: UIC(normalised: "AAAA185"), type: "stationary", services: ["hiv-test"], overdose: "recovered",
                        note: "ok", detail: Self.detail)
        let logged = Self.event(1, .contactLogged(c))
        let bytes = EventCodec.encode(logged)
        #expect(try EventCodec.decode(bytes) == logged)
        // Flag 2 sits where the overdose flag was.
        let plain = EventCodec.encode(Self.event(1, .contactLogged(Contact(client: c.client, type: c.type, services: c.services,
                                                                             overdose: "recovered", note: "ok"))))
        let at = bytes.indices.first { bytes[$0] != plain[$0] }!
        #expect(bytes[at] == 2 && plain[at] == 1)
        // Kind and results without an outcome (a test result alone) round-trip too.
        let testOnly = Self.event(2, .contactLogged(Contact(client: c.client, type: c.type, services: ["hcv-test"],
                                                            detail: ContactDetail(results: [ServiceResult(service: "hcv-test", result: .notDisclosed)]))))
        #expect(try EventCodec.decode(EventCodec.encode(testOnly)) == testOnly)
        let corrected = Self.event(3, .contactCorrected(ContactCorrection(target: logged.id, contact: c, reason: .mistake, note: "x")))
        #expect(try EventCodec.decode(EventCodec.encode(corrected)) == corrected)
        // Every cut of the record is refused, never a trap.
        for cut in 0..<bytes.count {
            #expect(throws: CodecError.self) { try EventCodec.decode(Array(bytes.prefix(cut))) }
        }
    }

    @Test func badDetailBytesAreRefused() throws {
        let c = Contact(client: UIC(normalised: "AAAA185"), type: "stationary", services: ["hiv-test"], overdose: "fatal",
                        detail: ContactDetail(overdoseKind: .psychosis))
        let bytes = EventCodec.encode(Self.event(1, .contactLogged(c)))
        let plain = EventCodec.encode(Self.event(1, .contactLogged(Contact(client: c.client, type: c.type, services: c.services, overdose: "fatal"))))
        let flag = bytes.indices.first { bytes[$0] != plain[$0] }!
        var bad = bytes
        bad[flag] = 3
        #expect(throws: CodecError.badTag(field: "overdose", value: 3)) { try EventCodec.decode(bad) }
        // An unknown kind name.
        var text = bytes
        let name = Array("psychosis".utf8)
        let start = (0...(text.count - name.count)).first { Array(text[$0..<$0 + name.count]) == name }!
        text[start] = UInt8(ascii: "x")
        #expect(throws: CodecError.self) { try EventCodec.decode(text) }
    }

    @Test func theLedgerKeepsDetailsOnEveryPath() throws {
        let c1 = Contact(client: UIC(normalised: "AAAA185"), type: "stationary", services: ["hiv-test"], overdose: "recovered",
                         detail: Self.detail)
        let c2 = Contact(client: UIC(normalised: "BBBB203"), type: "stationary", items: [ItemQuantity(item: "needle", quantity: 1)])
        let events = [Self.event(1, at: 1_790_000_000, .contactLogged(c1)), Self.event(2, at: 1_790_000_100, .contactLogged(c2))]
        let folded = LedgerState.fold(events, catalogue: Fixtures.catalogue)
        #expect(folded.contacts.map(\.hasDetail) == [true, false])
        #expect(folded.contactContent(0)?.detail == Self.detail)
        #expect(folded.contactContent(1)?.detail.isEmpty == true)
        // Bytes in reverse order: the later contact first, then a refold puts the earlier one first.
        var loader = LedgerLoader(catalogue: Fixtures.catalogue)
        for e in events.reversed() { try loader.load(encoded: EventCodec.encode(e)) }
        let loaded = loader.finish()
        #expect(loaded.contacts.map(\.id) == events.map(\.id))
        #expect(loaded.contacts.map(\.hasDetail) == [true, false])
        #expect(loaded.contactContent(0)?.detail == Self.detail)
        // A correction that drops the details, and one that adds them to the plain contact.
        var fixed = c1
        fixed.detail = ContactDetail()
        var added = c2
        added.overdose = "fatal"
        added.detail = ContactDetail(overdoseKind: .overheating)
        let amended = LedgerState.fold(events + [
            Self.event(3, at: 1_790_000_200, .contactCorrected(ContactCorrection(target: events[0].id, contact: fixed))),
            Self.event(4, at: 1_790_000_300, .contactCorrected(ContactCorrection(target: events[1].id, contact: added))),
        ], catalogue: Fixtures.catalogue)
        #expect(amended.contacts.map(\.hasDetail) == [false, true])
        #expect(amended.contactContent(1)?.detail.overdoseKind == .overheating)
        #expect(ContactDiff.changes(from: c1, to: fixed) == [.detail(from: ["stimulant", "ambulance-refused", "police-came", "hiv-test reactive"], to: [])])
    }

    func contact(_ input: Validator.ContactInput) throws(Message) -> [Event] {
        try Fixtures.validator.contact(input, ctx: Fixtures.ctx(), known: { _ in true }, nearDuplicates: { _ in [] }, newClient: false)
    }

    @Test func theValidatorChecksDetailsAgainstTheContact() throws {
        let ok = try contact(.init(client: "AAAA185", services: ["hiv-test"], overdose: "recovered", detail: Self.detail))
        guard case .contactLogged(let c)? = ok.last?.body else { Issue.record("no contact"); return }
        #expect(c.detail == Self.detail)
        #expect(throws: Message("validate.overdose.detailWithoutOutcome")) {
            try contact(.init(client: "AAAA185", items: [("needle", 1)], detail: ContactDetail(overdoseKind: .stimulant)))
        }
        #expect(throws: Message("validate.overdose.detailWithoutOutcome")) {
            try contact(.init(client: "AAAA185", items: [("needle", 1)], detail: ContactDetail(responders: [.policeCame])))
        }
        #expect(throws: Message("validate.overdose.responderTwice")) {
            try contact(.init(client: "AAAA185", overdose: "fatal", detail: ContactDetail(responders: [.policeCame, .policeCame])))
        }
        #expect(throws: Message("validate.test.notRapid", "tb-screening", "hiv-test, hcv-test")) {
            try contact(.init(client: "AAAA185", services: ["tb-screening"],
                              detail: ContactDetail(results: [ServiceResult(service: "tb-screening", result: .reactive)])))
        }
        #expect(throws: Message("validate.test.notDelivered", "hcv-test")) {
            try contact(.init(client: "AAAA185", services: ["hiv-test"],
                              detail: ContactDetail(results: [ServiceResult(service: "hcv-test", result: .reactive)])))
        }
        #expect(throws: Message("validate.test.twice", "hiv-test")) {
            try contact(.init(client: "AAAA185", services: ["hiv-test"], detail: ContactDetail(results: [
                ServiceResult(service: "hiv-test", result: .reactive), ServiceResult(service: "hiv-test", result: .invalid)])))
        }
        // A correction from elsewhere goes through the same rule.
        let bad = Self.event(9, .contactCorrected(ContactCorrection(target: EventID(high: 1, low: 1), contact: Contact(
            client: UIC(normalised: "AAAA185"), type: "stationary", items: [ItemQuantity(item: "needle", quantity: 1)],
            detail: ContactDetail(responders: [.ambulanceCalled])))))
        #expect(throws: Message("validate.overdose.detailWithoutOutcome")) {
            try Fixtures.validator.checkIncomingAmendment(bad, target: nil, authorRole: nil)
        }
    }
}
