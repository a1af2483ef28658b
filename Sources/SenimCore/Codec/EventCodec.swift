/// Encodes events to bytes and back (format version 1; documented in docs/file-format.md).
///
///     version u8 = 1 · id 16 bytes (high, low; little-endian) · at zig-zag varint ·
///     author string · device 8 bytes · site string · kind u8 · body (per kind)
///
/// Decoding any byte string either gives an event or throws `CodecError`: it never traps.
public enum EventCodec {
    public static let version: UInt8 = 1
    static let maxItems = 10_000
    static let maxSealed = 1 << 20

    public static func encode(_ e: Event) -> [UInt8] {
        var w = BinaryWriter(capacity: 96)
        encode(e, into: &w)
        return w.bytes
    }

    public static func encode(_ e: Event, into w: inout BinaryWriter) {
        w.u8(version)
        w.fixed64(e.id.high)
        w.fixed64(e.id.low)
        w.int(e.at)
        w.string(e.author)
        w.fixed64(e.device.rawValue)
        w.string(e.site)
        switch e.body {
        case .clientRegistered(let u):
            w.u8(1); w.string(u.code)
        case .contactLogged(let c):
            w.u8(2)
            encodeContact(c, into: &w)
        case .stockReceived(let r):
            w.u8(3); w.string(r.item); w.int(Int64(r.quantity)); w.optionalString(r.lot)
            if let x = r.expires { w.u8(1); w.int(Int64(x)) } else { w.u8(0) }
        case .stockTransferred(let t):
            w.u8(4); w.string(t.item); w.int(Int64(t.quantity)); w.string(t.to)
        case .stockTransferReceived(let r):
            w.u8(5); w.fixed64(r.transfer.high); w.fixed64(r.transfer.low)
            w.string(r.item); w.int(Int64(r.quantity)); w.string(r.from)
        case .stockWrittenOff(let o):
            w.u8(6); w.string(o.item); w.int(Int64(o.quantity))
            if let lot = o.lot {
                // A chosen lot: an empty reason (length 0, never a valid reason) marks the
                // extended form `reason string · lot string`; without a lot the bytes are as before.
                w.u8(0); w.string(o.reason.rawValue); w.string(lot)
            } else {
                w.string(o.reason.rawValue)
            }
        case .stockCounted(let c):
            w.u8(7); w.string(c.item); w.int(Int64(c.counted))
        case .referralIssued(let r):
            w.u8(8); w.string(r.client.code); w.string(r.service)
            if let d = r.due { w.u8(1); w.int(Int64(d)) } else { w.u8(0) }
            w.optionalString(r.note)
        case .referralUpdated(let u):
            w.u8(9); w.fixed64(u.referral.high); w.fixed64(u.referral.low)
            w.string(u.status.rawValue); w.optionalString(u.note)
            if let b = u.basedOn { w.u8(1); w.fixed64(b.high); w.fixed64(b.low) } else { w.u8(0) }
        case .referralNoteAdded(let n):
            w.u8(10); w.fixed64(n.referral.high); w.fixed64(n.referral.low); w.blob(n.sealed)
        case .clientsMerged(let from, let into):
            w.u8(11); w.string(from.code); w.string(into.code)
        case .userAdded(let name, let role):
            w.u8(12); w.string(name); w.string(role.rawValue)
        case .userRemoved(let name):
            w.u8(13); w.string(name)
        case .userPointSet(let name, let point):
            w.u8(14); w.string(name); w.string(point)
        case .contactCorrected(let c):
            w.u8(20); w.fixed64(c.target.high); w.fixed64(c.target.low)
            encodeContact(c.contact, into: &w)
            w.string(c.reason.rawValue); w.optionalString(c.note)
        case .recordVoided(let v):
            w.u8(21); w.fixed64(v.target.high); w.fixed64(v.target.low)
            w.string(v.reason.rawValue); w.optionalString(v.note)
        case .clientUnmerged(let u):
            w.u8(22); w.string(u.code)
        case .clientProfileSet(let p):
            // Each field: flag 0 (unchanged) or 1 then the value; lists as count + strings.
            w.u8(30); w.string(p.client.code)
            if let s = p.substances { w.u8(1); w.varint(UInt64(s.count)); for x in s { w.string(x.rawValue) } } else { w.u8(0) }
            if let r = p.routes { w.u8(1); w.varint(UInt64(r.count)); for x in r { w.string(x.rawValue) } } else { w.u8(0) }
            if let o = p.oat { w.u8(1); w.string(o.rawValue) } else { w.u8(0) }
            if let g = p.gender { w.u8(1); w.string(g.rawValue) } else { w.u8(0) }
        case .incidentRecorded(let i):
            w.u8(31); w.string(i.kind.rawValue); w.optionalString(i.client?.code); w.optionalString(i.note)
        case .activityRecorded(let a):
            w.u8(32); w.string(a.kind.rawValue); w.int(Int64(a.participants))
        }
    }

    private static func encodeContact(_ c: Contact, into w: inout BinaryWriter) {
        w.string(c.client.code)
        w.string(c.type)
        w.varint(UInt64(c.items.count))
        for l in c.items { w.string(l.item); w.int(Int64(l.quantity)) }
        w.varint(UInt64(c.services.count))
        for s in c.services { w.string(s) }
        if c.detail.isEmpty {
            w.optionalString(c.overdose)
        } else {
            // Flag 2: the overdose outcome (flag 0/1 + id) followed by the contact's details.
            w.u8(2)
            w.optionalString(c.overdose)
            let d = c.detail
            if let k = d.overdoseKind { w.u8(1); w.string(k.rawValue) } else { w.u8(0) }
            w.varint(UInt64(d.responders.count))
            for x in d.responders { w.string(x.rawValue) }
            w.varint(UInt64(d.results.count))
            for x in d.results { w.string(x.service); w.string(x.result.rawValue) }
        }
        w.optionalString(c.note)
        w.varint(UInt64(c.packs.count))
        for p in c.packs { w.string(p) }
    }

    /// A whole contact body (kinds 2 and 20), through the one contact decoder.
    private static func contactValue(_ r: inout BinaryReader) throws(CodecError) -> Contact {
        var f = ContactFields()
        try decodeContact(from: &r, into: &f)
        let reader = r
        return Contact(
            client: UIC(normalised: r.text(f.client)), type: r.text(f.type),
            items: zip(f.items, f.quantities).map { ItemQuantity(item: reader.text($0), quantity: $1) },
            services: f.services.map { reader.text($0) }, overdose: f.overdose.map { reader.text($0) },
            note: f.note.map { reader.text($0) }, packs: f.packs.map { reader.text($0) }, detail: f.detail ?? ContactDetail())
    }

    private static func amendReason(_ r: inout BinaryReader) throws(CodecError) -> AmendReason {
        let rs = try r.string("reason", max: 32)
        guard let reason = AmendReason(rawValue: rs) else { throw .badTag(field: "reason", value: rs.count) }
        return reason
    }

    public static func decode(_ bytes: [UInt8]) throws(CodecError) -> Event {
        do {
            return try bytes.withUnsafeBytes { raw in
                var r = BinaryReader(raw)
                let e = try decode(from: &r)
                if r.remaining != 0 { throw CodecError.trailingBytes(r.remaining) }
                return e
            }
        } catch let e as CodecError { throw e } catch { throw .truncated }
    }

    /// The id of a record, read from its fixed position without decoding the rest; nil when
    /// the record is too short or of another version (decoding it then gives the error).
    public static func peekID(_ record: UnsafeRawBufferPointer) -> EventID? {
        guard record.count >= 17, record[0] == version else { return nil }
        var r = BinaryReader(record, offset: 1)
        guard let high = try? r.fixed64(), let low = try? r.fixed64() else { return nil }
        return EventID(high: high, low: low)
    }

    /// A record's place in fold order (its `FoldKey`), read from its first fields without
    /// decoding the rest; nil when they cannot be read.
    public static func peekOrder(_ record: UnsafeRawBufferPointer) -> FoldKey? {
        guard record.count >= 17, record[0] == version else { return nil }
        var r = BinaryReader(record, offset: 1)
        guard let high = try? r.fixed64(), let low = try? r.fixed64(), let at = try? r.int() else { return nil }
        return FoldKey(at: at, id: EventID(high: high, low: low))
    }

    /// The fields every record starts with. Text fields are spans of the reader's input.
    public struct Header: Sendable {
        public var id: EventID
        public var at: Timestamp
        public var author: ByteSpan
        public var device: DeviceID
        public var site: ByteSpan
        public var kind: UInt8
    }

    /// A contact's fields (kind 2) as spans of the reader's input, for decoding without
    /// allocating: the arrays are reused from record to record (`decodeContact` empties them).
    public struct ContactFields: Sendable {
        public var client = ByteSpan(start: 0, count: 0)
        public var type = ByteSpan(start: 0, count: 0)
        public var items: [ByteSpan] = []
        public var quantities: [Int32] = []
        public var services: [ByteSpan] = []
        public var overdose: ByteSpan?
        public var note: ByteSpan?
        public var packs: [ByteSpan] = []
        /// Overdose kind, who came, test results: nil unless the record carries them (rare).
        public var detail: ContactDetail?
        public init() {}
    }

    /// Reads the header of a record; the body of kind `kind` follows.
    @inline(__always)
    public static func decodeHeader(from r: inout BinaryReader) throws(CodecError) -> Header {
        let v = try r.u8()
        guard v == version else { throw .unsupportedVersion(Int(v)) }
        let id = EventID(high: try r.fixed64(), low: try r.fixed64())
        let at = try r.int()
        let author = try r.stringSpan("author", max: 256)
        let device = DeviceID(try r.fixed64())
        let site = try r.stringSpan("site", max: 256)
        return Header(id: id, at: at, author: author, device: device, site: site, kind: try r.u8())
    }

    /// The body of a client registration (kind 1): the code.
    @inline(__always)
    public static func decodeRegistration(from r: inout BinaryReader) throws(CodecError) -> ByteSpan {
        try r.stringSpan("uic", max: 64)
    }

    /// The body of a contact (kind 2), into `f`.
    @inline(__always)
    public static func decodeContact(from r: inout BinaryReader, into f: inout ContactFields) throws(CodecError) {
        f.items.removeAll(keepingCapacity: true)
        f.quantities.removeAll(keepingCapacity: true)
        f.services.removeAll(keepingCapacity: true)
        f.packs.removeAll(keepingCapacity: true)
        f.client = try r.stringSpan("uic", max: 64)
        f.type = try r.stringSpan("type", max: 256)
        let n = try count(&r, "items")
        for _ in 0..<n {
            f.items.append(try r.stringSpan("item", max: 256))
            f.quantities.append(try r.int32("quantity"))
        }
        let ns = try count(&r, "services")
        for _ in 0..<ns { f.services.append(try r.stringSpan("service", max: 256)) }
        f.detail = nil
        switch try r.u8() {
        case 0: f.overdose = nil
        case 1: f.overdose = try r.stringSpan("overdose")
        case 2:
            f.overdose = try r.optionalStringSpan("overdose")
            f.detail = try contactDetail(&r)
        case let t: throw .badTag(field: "overdose", value: Int(t))
        }
        f.note = try r.optionalStringSpan("note")
        let np = try count(&r, "packs")
        for _ in 0..<np { f.packs.append(try r.stringSpan("pack", max: 256)) }
    }

    public static func decode(from r: inout BinaryReader) throws(CodecError) -> Event {
        let h = try decodeHeader(from: &r)
        let body: EventBody
        switch h.kind {
        case 1:
            body = .clientRegistered(UIC(normalised: r.text(try decodeRegistration(from: &r))))
        case 2:
            body = .contactLogged(try contactValue(&r))
        case 3:
            let item = try r.string("item", max: 256)
            let q = try r.int32("quantity")
            let lot = try r.optionalString("lot")
            let expires: DayNumber? = try flag(&r, "expires") ? try r.int32("expires") : nil
            body = .stockReceived(StockReceipt(item: item, quantity: q, lot: lot, expires: expires))
        case 4:
            body = .stockTransferred(StockTransfer(item: try r.string("item", max: 256), quantity: try r.int32("quantity"),
                                                   to: try r.string("to", max: 256)))
        case 5:
            let t = EventID(high: try r.fixed64(), low: try r.fixed64())
            body = .stockTransferReceived(TransferReceipt(transfer: t, item: try r.string("item", max: 256),
                                                          quantity: try r.int32("quantity"), from: try r.string("from", max: 256)))
        case 6:
            let item = try r.string("item", max: 256)
            let q = try r.int32("quantity")
            var rs = try r.string("reason", max: 32)
            var lot: String?
            if rs.isEmpty {
                // The extended form (a chosen lot): the reason and the lot follow.
                rs = try r.string("reason", max: 32)
                lot = try r.string("lot")   // as long as a received lot may be
            }
            guard let reason = WriteOffReason(rawValue: rs) else { throw .badTag(field: "reason", value: rs.count) }
            body = .stockWrittenOff(StockWriteOff(item: item, quantity: q, reason: reason, lot: lot))
        case 7:
            body = .stockCounted(StockCount(item: try r.string("item", max: 256), counted: try r.int32("counted")))
        case 8:
            let client = UIC(normalised: try r.string("uic", max: 64))
            let service = try r.string("service", max: 256)
            let due: DayNumber? = try flag(&r, "due") ? try r.int32("due") : nil
            body = .referralIssued(ReferralIssue(client: client, service: service, due: due, note: try r.optionalString("note")))
        case 9:
            let ref = EventID(high: try r.fixed64(), low: try r.fixed64())
            let ss = try r.string("status", max: 32)
            guard let status = ReferralStatus(rawValue: ss) else { throw .badTag(field: "status", value: ss.count) }
            let note = try r.optionalString("note")
            let based: EventID? = try flag(&r, "basedOn") ? EventID(high: try r.fixed64(), low: try r.fixed64()) : nil
            body = .referralUpdated(ReferralUpdate(referral: ref, status: status, note: note, basedOn: based))
        case 10:
            let ref = EventID(high: try r.fixed64(), low: try r.fixed64())
            body = .referralNoteAdded(ConfidentialNote(referral: ref, sealed: try r.blob("sealed", max: maxSealed)))
        case 11:
            body = .clientsMerged(from: UIC(normalised: try r.string("uic", max: 64)),
                                  into: UIC(normalised: try r.string("uic", max: 64)))
        case 12:
            let name = try r.string("name", max: 256)
            let rs = try r.string("role", max: 32)
            guard let role = Role(rawValue: rs) else { throw .badTag(field: "role", value: rs.count) }
            body = .userAdded(name: name, role: role)
        case 13:
            body = .userRemoved(name: try r.string("name", max: 256))
        case 14:
            body = .userPointSet(name: try r.string("name", max: 256), point: try r.string("point", max: 256))
        case 20:
            let target = EventID(high: try r.fixed64(), low: try r.fixed64())
            let contact = try contactValue(&r)
            let reason = try amendReason(&r)
            body = .contactCorrected(ContactCorrection(target: target, contact: contact, reason: reason, note: try r.optionalString("note")))
        case 21:
            let target = EventID(high: try r.fixed64(), low: try r.fixed64())
            let reason = try amendReason(&r)
            body = .recordVoided(VoidRecord(target: target, reason: reason, note: try r.optionalString("note")))
        case 22:
            body = .clientUnmerged(UIC(normalised: try r.string("uic", max: 64)))
        case 30:
            let client = UIC(normalised: try r.string("uic", max: 64))
            let substances: [Substance]? = try flag(&r, "substances") ? try tags(&r, "substance") : nil
            let routes: [Route]? = try flag(&r, "routes") ? try tags(&r, "route") : nil
            let oat: OATStatus? = try flag(&r, "oat") ? try tag(&r, "oat") : nil
            let gender: Gender? = try flag(&r, "gender") ? try tag(&r, "gender") : nil
            body = .clientProfileSet(ClientProfile(client: client, substances: substances, routes: routes, oat: oat, gender: gender))
        case 31:
            let kind: IncidentKind = try tag(&r, "incident")
            let client = try r.optionalString("uic").map { UIC(normalised: $0) }
            body = .incidentRecorded(Incident(kind: kind, client: client, note: try r.optionalString("note")))
        case 32:
            let kind: ActivityKind = try tag(&r, "activity")
            body = .activityRecorded(GroupActivity(kind: kind, participants: try r.int32("participants")))
        default:
            throw .badTag(field: "kind", value: Int(h.kind))
        }
        return Event(id: h.id, at: h.at, author: r.text(h.author), device: h.device, site: r.text(h.site), body: body)
    }

    /// The details after a contact's overdose flag 2 (kind, who came, test results).
    private static func contactDetail(_ r: inout BinaryReader) throws(CodecError) -> ContactDetail {
        let kind: OverdoseKind? = try flag(&r, "overdoseKind") ? try tag(&r, "overdoseKind") : nil
        let responders: [Responder] = try tags(&r, "responder")
        let n = try r.varint()
        guard n <= 16 else { throw .tooLarge(field: "results", size: Int(truncatingIfNeeded: n)) }
        var results: [ServiceResult] = []
        for _ in 0..<Int(n) {
            let service = try r.string("service", max: 256)
            results.append(ServiceResult(service: service, result: try tag(&r, "result")))
        }
        return ContactDetail(overdoseKind: kind, responders: responders, results: results)
    }

    @inline(__always)
    private static func count(_ r: inout BinaryReader, _ field: String) throws(CodecError) -> Int {
        let n = try r.varint()
        guard n <= UInt64(maxItems) else { throw .tooLarge(field: field, size: Int(truncatingIfNeeded: n)) }
        return Int(n)
    }

    /// One value of a closed set, stored as its name.
    private static func tag<T: RawRepresentable>(_ r: inout BinaryReader, _ field: String) throws(CodecError) -> T
        where T.RawValue == String {
        let s = try r.string(field, max: 32)
        guard let v = T(rawValue: s) else { throw .badTag(field: field, value: s.count) }
        return v
    }

    /// A short list of values of a closed set (at most 16: every set is smaller).
    private static func tags<T: RawRepresentable>(_ r: inout BinaryReader, _ field: String) throws(CodecError) -> [T]
        where T.RawValue == String {
        let n = try r.varint()
        guard n <= 16 else { throw .tooLarge(field: field, size: Int(truncatingIfNeeded: n)) }
        var out: [T] = []
        for _ in 0..<Int(n) { out.append(try tag(&r, field)) }
        return out
    }

    private static func flag(_ r: inout BinaryReader, _ field: String) throws(CodecError) -> Bool {
        switch try r.u8() {
        case 0: return false
        case 1: return true
        case let t: throw .badTag(field: field, value: Int(t))
        }
    }
}
