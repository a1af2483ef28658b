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
            w.u8(6); w.string(o.item); w.int(Int64(o.quantity)); w.string(o.reason.rawValue)
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
        case .contactCorrected(let c):
            w.u8(20); w.fixed64(c.target.high); w.fixed64(c.target.low)
            encodeContact(c.contact, into: &w)
            w.string(c.reason.rawValue); w.optionalString(c.note)
        case .recordVoided(let v):
            w.u8(21); w.fixed64(v.target.high); w.fixed64(v.target.low)
            w.string(v.reason.rawValue); w.optionalString(v.note)
        case .clientUnmerged(let u):
            w.u8(22); w.string(u.code)
        }
    }

    private static func encodeContact(_ c: Contact, into w: inout BinaryWriter) {
        w.string(c.client.code)
        w.string(c.type)
        w.varint(UInt64(c.items.count))
        for l in c.items { w.string(l.item); w.int(Int64(l.quantity)) }
        w.varint(UInt64(c.services.count))
        for s in c.services { w.string(s) }
        w.optionalString(c.overdose)
        w.optionalString(c.note)
        w.varint(UInt64(c.packs.count))
        for p in c.packs { w.string(p) }
    }

    private static func decodeContact(_ r: inout BinaryReader) throws(CodecError) -> Contact {
        let client = UIC(normalised: try r.string("uic", max: 64))
        let type = try r.string("type", max: 256)
        let n = try count(&r, "items")
        var items: [ItemQuantity] = []
        items.reserveCapacity(n)
        for _ in 0..<n { items.append(ItemQuantity(item: try r.string("item", max: 256), quantity: try r.int32("quantity"))) }
        let ns = try count(&r, "services")
        var services: [String] = []
        for _ in 0..<ns { services.append(try r.string("service", max: 256)) }
        let overdose = try r.optionalString("overdose")
        let note = try r.optionalString("note")
        let np = try count(&r, "packs")
        var packs: [String] = []
        for _ in 0..<np { packs.append(try r.string("pack", max: 256)) }
        return Contact(client: client, type: type, items: items, services: services, overdose: overdose, note: note, packs: packs)
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

    public static func decode(from r: inout BinaryReader) throws(CodecError) -> Event {
        let v = try r.u8()
        guard v == version else { throw .unsupportedVersion(Int(v)) }
        let id = EventID(high: try r.fixed64(), low: try r.fixed64())
        let at = try r.int()
        let author = try r.string("author", max: 256)
        let device = DeviceID(try r.fixed64())
        let site = try r.string("site", max: 256)
        let kind = try r.u8()
        let body: EventBody
        switch kind {
        case 1:
            body = .clientRegistered(UIC(normalised: try r.string("uic", max: 64)))
        case 2:
            body = .contactLogged(try decodeContact(&r))
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
            let rs = try r.string("reason", max: 32)
            guard let reason = WriteOffReason(rawValue: rs) else { throw .badTag(field: "reason", value: rs.count) }
            body = .stockWrittenOff(StockWriteOff(item: item, quantity: q, reason: reason))
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
        case 20:
            let target = EventID(high: try r.fixed64(), low: try r.fixed64())
            let contact = try decodeContact(&r)
            let reason = try amendReason(&r)
            body = .contactCorrected(ContactCorrection(target: target, contact: contact, reason: reason, note: try r.optionalString("note")))
        case 21:
            let target = EventID(high: try r.fixed64(), low: try r.fixed64())
            let reason = try amendReason(&r)
            body = .recordVoided(VoidRecord(target: target, reason: reason, note: try r.optionalString("note")))
        case 22:
            body = .clientUnmerged(UIC(normalised: try r.string("uic", max: 64)))
        default:
            throw .badTag(field: "kind", value: Int(kind))
        }
        return Event(id: id, at: at, author: author, device: device, site: site, body: body)
    }

    private static func count(_ r: inout BinaryReader, _ field: String) throws(CodecError) -> Int {
        let n = try r.varint()
        guard n <= UInt64(maxItems) else { throw .tooLarge(field: field, size: Int(truncatingIfNeeded: n)) }
        return Int(n)
    }

    private static func flag(_ r: inout BinaryReader, _ field: String) throws(CodecError) -> Bool {
        switch try r.u8() {
        case 0: return false
        case 1: return true
        case let t: throw .badTag(field: field, value: Int(t))
        }
    }
}
