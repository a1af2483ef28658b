import SenimCore

/// What a journal frame or a snapshot chunk holds: a sequence of records.
///
///     type u8 = 1  event        blob (EventCodec bytes)
///     type u8 = 2  local set    string key · blob value
///     type u8 = 3  local delete string key
enum Record: Equatable {
    case event([UInt8])
    case setLocal(String, [UInt8])
    case deleteLocal(String)

    static let maxEvent = 2 << 20
    static let maxValue = 1 << 20
    static let maxKey = 256

    func encode(into w: inout ByteWriter) {
        switch self {
        case .event(let b): w.u8(1); w.blob(b)
        case .setLocal(let k, let v): w.u8(2); w.string(k); w.blob(v)
        case .deleteLocal(let k): w.u8(3); w.string(k)
        }
    }

    static func encode(_ records: [Record]) -> [UInt8] {
        var w = ByteWriter(capacity: 256)
        for r in records { r.encode(into: &w) }
        return w.bytes
    }

    static func decode(_ b: [UInt8]) throws(FormatError) -> [Record] {
        var r = ByteReader(b)
        var out: [Record] = []
        while r.remaining > 0 {
            switch try r.u8("record type") {
            case 1: out.append(.event(try r.blob("event", max: maxEvent)))
            case 2: out.append(.setLocal(try r.string("key", max: maxKey), try r.blob("value", max: maxValue)))
            case 3: out.append(.deleteLocal(try r.string("key", max: maxKey)))
            case let t: throw FormatError("unknown record type \(t)")
            }
        }
        return out
    }
}

/// The contents of a store once decrypted: events in arrival order and local values.
struct Contents {
    var events: [Event] = []
    var ids = Set<EventID>()
    var local: [String: [UInt8]] = [:]

    /// Applies records; events with a known id are skipped (counted in `duplicates`).
    mutating func apply(_ records: [Record], where location: String) throws(StoreError) {
        for r in records {
            switch r {
            case .event(let b):
                let e: Event
                do { e = try EventCodec.decode(b) } catch {
                    throw StoreError.damaged(file: location, detail: "an authenticated event does not decode: \(error)")
                }
                if ids.insert(e.id).inserted { events.append(e) } else { duplicates += 1 }
            case .setLocal(let k, let v): local[k] = v
            case .deleteLocal(let k): local[k] = nil
            }
        }
    }

    var duplicates = 0
}
