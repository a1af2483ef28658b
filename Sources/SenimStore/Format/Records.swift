import SenimCore

/// What a journal frame or a snapshot chunk holds: a sequence of records.
///
///     type u8 = 1  event        blob (EventCodec bytes)
///     type u8 = 2  local set    string key · blob value
///     type u8 = 3  local delete string key
///     type u8 = 4  checkpoint part  u32 part · u32 parts · blob (snapshot version 2 only;
///                  a cache of the folded ledger, skipped by every reader but `StoreCheckpoint`)
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
            case 4: try skipCheckpointPart(&r)
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
    /// False: each event is decoded (so a malformed one is found) and counted, not kept
    /// (`verify`: memory is the id set, not the store's events).
    var keepEvents = true

    /// Applies records; events with a known id are skipped (counted in `duplicates`).
    mutating func apply(_ records: [Record], where location: String) throws(StoreError) {
        for r in records {
            switch r {
            case .event(let b):
                let e: Event
                do { e = try EventCodec.decode(b) } catch {
                    throw StoreError.damaged(file: location, detail: "an authenticated event does not decode: \(error)")
                }
                if ids.insert(e.id).inserted { if keepEvents { events.append(e) } } else { duplicates += 1 }
            case .setLocal(let k, let v): local[k] = v
            case .deleteLocal(let k): local[k] = nil
            }
        }
    }

    var duplicates = 0

    /// Applies the records of a decrypted chunk or frame, walked in place (`Record.scan`).
    mutating func apply(_ plain: [UInt8], _ range: Range<Int>, where location: String) throws(StoreError) {
        var found: [Record.Found] = []
        do { try Record.scan(plain, range, into: &found) } catch {
            throw .damaged(file: location, detail: "authenticated content is malformed: \(error)")
        }
        try apply(found.map {
            switch $0 {
            case .event(let s): .event(Array(plain[s.start..<s.start + s.count]))
            case .local(let r): r
            }
        }, where: location)
    }
}

extension Record {
    static let checkpointType: UInt8 = 4
    static let maxCheckpointPart = 2 << 20

    /// A checkpoint part is not content: readers of events and local values pass over it.
    static func skipCheckpointPart(_ r: inout ByteReader) throws(FormatError) {
        _ = try r.u32("checkpoint part"); _ = try r.u32("checkpoint parts")
        _ = try r.take(try r.count("checkpoint part", max: maxCheckpointPart), "checkpoint part")
    }

    /// A record found in place by `scan`: an event as the span of its `EventCodec` bytes,
    /// a local value decoded.
    enum Found {
        case event(ByteSpan)
        case local(Record)
    }

    /// Walks the records of a decrypted frame or chunk (`b[range]`) in place, without copying
    /// events out: the store's open hands the spans straight to the ledger loader.
    static func scan(_ b: [UInt8], _ range: Range<Int>, into out: inout [Found]) throws(FormatError) {
        var r = ByteReader(b, offset: range.lowerBound, end: range.upperBound)
        while r.remaining > 0 {
            switch try r.u8("record type") {
            case 1:
                let n = try r.count("event", max: maxEvent)
                let start = r.offset
                _ = try r.take(n, "event")
                out.append(.event(ByteSpan(start: start, count: n)))
            case 2: out.append(.local(.setLocal(try r.string("key", max: maxKey), try r.blob("value", max: maxValue))))
            case 3: out.append(.local(.deleteLocal(try r.string("key", max: maxKey))))
            case 4: try skipCheckpointPart(&r)
            case let t: throw FormatError("unknown record type \(t)")
            }
        }
    }
}

/// A store's contents (snapshot chunks, then journal frames, in storage order) folded into
/// ledger state through the one ledger path (`LedgerLoader`), chunk by chunk: a repeated
/// event id is skipped (the first copy counts), local values are kept. Memory: the ledger,
/// the id set and one chunk.
struct StoreFold {
    var loader: LedgerLoader
    var ids: EventIDSet
    var local: [String: [UInt8]] = [:]
    var duplicates = 0
    private var found: [Record.Found] = []
    private var spans: [ByteSpan] = []

    init(configuration: Configuration, expectedBytes: Int) {
        // A stored event takes about 140 bytes (docs/performance.md).
        loader = LedgerLoader(catalogue: configuration.catalogue, points: configuration.points,
                              expectedEvents: expectedBytes / 140)
        ids = EventIDSet(capacity: expectedBytes / 140)
    }

    /// The records of one decrypted chunk or frame, `plain[range]`.
    mutating func add(_ plain: [UInt8], _ range: Range<Int>, where location: String) throws(StoreError) {
        found.removeAll(keepingCapacity: true)
        spans.removeAll(keepingCapacity: true)
        do { try Record.scan(plain, range, into: &found) } catch {
            throw .damaged(file: location, detail: "authenticated content is malformed: \(error)")
        }
        plain.withUnsafeBytes { raw in
            for f in found {
                switch f {
                case .event(let s):
                    // An id that cannot be read is left to the loader, which reports the codec's error.
                    if let id = EventCodec.peekID(UnsafeRawBufferPointer(rebasing: raw[s.start..<s.start + s.count])),
                       !ids.insert(id) {
                        duplicates += 1
                        continue
                    }
                    spans.append(s)
                case .local(.setLocal(let k, let v)): local[k] = v
                case .local(.deleteLocal(let k)): local[k] = nil
                case .local(.event): break
                }
            }
        }
        let result: Result<Void, LedgerLoader.RecordError> = plain.withUnsafeBytes { raw in
            spans.withUnsafeBufferPointer { s in
                do throws(LedgerLoader.RecordError) { try loader.load(raw, records: s); return .success(()) } catch { return .failure(error) }
            }
        }
        if case .failure(let e) = result {
            throw .damaged(file: location, detail: "an authenticated event does not decode: \(e.error)")
        }
    }

    /// Decoded records (a journal frame read by `Journal.scan`).
    mutating func add(_ records: [Record], where location: String) throws(StoreError) {
        var w = ByteWriter(capacity: 256)
        for r in records { r.encode(into: &w) }
        try add(w.bytes, 0..<w.bytes.count, where: location)
    }

    mutating func finish() -> LedgerState { loader.finish() }
}
