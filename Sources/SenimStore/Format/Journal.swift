import Crypto
import SenimCore

/// The append-only journal: a 64-byte header, then frames.
///
///     header: magic "SENIMJNL" · version u16 = 1 · reserved 6 · store id 16 · journal id 16 ·
///             checksum 16 (SHA-256 of bytes 0..<48)
///     frame:  sealed length L u32 · seq u64 · check u32 · nonce 12 · ciphertext+tag L
///
/// `check` = first 4 bytes of SHA-256("SENIM-FRAME-1" ‖ journal id ‖ L ‖ seq): it tells a
/// torn or damaged frame header from a good one without the key. The AEAD's associated data
/// is "SENIM-FRAME-1" ‖ store id ‖ journal id ‖ seq, so a frame moved, repeated, or taken
/// from another journal or store does not authenticate.
enum Journal {
    static let magic = Array("SENIMJNL".utf8)
    static let version: UInt16 = 1
    static let headerSize = 64
    static let frameHeader = 28

    static func header(storeID: [UInt8], journalID: [UInt8]) -> [UInt8] {
        var w = ByteWriter(capacity: headerSize)
        w.raw(magic); w.u16(version); w.zeros(6); w.raw(storeID); w.raw(journalID)
        w.raw(Primitives.checksum(w.bytes[0..<48], 16))
        return w.bytes
    }

    /// The journal id in a header, after checking magic, version, checksum and store id.
    static func parseHeader(_ b: [UInt8], storeID: [UInt8]?, file: String = "journal") throws(StoreError) -> [UInt8] {
        guard b.count >= headerSize else { throw .damaged(file: file, detail: "header incomplete (\(b.count) bytes)") }
        guard Array(b[0..<8]) == magic else { throw .damaged(file: file, detail: "not a Senim journal (bad magic)") }
        let v = UInt16(b[8]) | UInt16(b[9]) << 8
        guard v == version else { throw .unsupportedVersion(Int(v)) }
        guard Primitives.checksum(b[0..<48], 16) == Array(b[48..<64]) else {
            throw .damaged(file: file, detail: "header checksum mismatch (bytes 0–63)")
        }
        if let storeID, Array(b[16..<32]) != storeID {
            throw .damaged(file: file, detail: "belongs to another store")
        }
        return Array(b[32..<48])
    }

    static func check(_ journalID: [UInt8], _ length: UInt32, _ seq: UInt64) -> [UInt8] {
        var w = ByteWriter(capacity: 48)
        w.raw(Array("SENIM-FRAME-1".utf8)); w.raw(journalID); w.u32(length); w.u64(seq)
        return Primitives.checksum(w.bytes[...], 4)
    }

    static func ad(_ storeID: [UInt8], _ journalID: [UInt8], _ seq: UInt64) -> [UInt8] {
        var w = ByteWriter(capacity: 64)
        w.raw(Array("SENIM-FRAME-1".utf8)); w.raw(storeID); w.raw(journalID); w.u64(seq)
        return w.bytes
    }

    /// The largest record content one frame carries.
    static let maxContent = Buckets.maximum - 4

    /// One sealed frame; `content` must be at most `maxContent` bytes.
    static func frame(_ content: [UInt8], seq: UInt64, key: SymmetricKey, storeID: [UInt8], journalID: [UInt8]) -> [UInt8] {
        let plain = Buckets.pad(content)!
        let sealed = Primitives.seal(plain, key: key, ad: ad(storeID, journalID, seq))
        var w = ByteWriter(capacity: frameHeader + sealed.sealed.count)
        let L = UInt32(sealed.sealed.count)
        w.u32(L); w.u64(seq); w.raw(check(journalID, L, seq)); w.raw(sealed.nonce); w.raw(sealed.sealed)
        return w.bytes
    }

    struct Frame {
        var seq: UInt64
        var offset: Int
        var length: Int
        var records: [Record]
    }

    enum Tail: Equatable {
        case clean
        /// An interrupted last write (`isInterruptedWrite`): nothing valid follows it. Only a
        /// writer drops it; readers ignore it.
        case torn(offset: Int, bytes: Int, reason: String)
        /// A last frame that is complete but fails its checks (a changed byte, a frame from
        /// elsewhere, a replayed frame): damage, never dropped silently.
        case damagedTail(offset: Int, seq: UInt64, reason: String)
        /// A bad frame with authenticated frames after it.
        case damaged(offset: Int, seq: UInt64, reason: String, nextGoodOffset: Int)
    }

    struct Scan {
        var frames: [Frame] = []
        /// End of the last good frame before the first problem.
        var goodEnd = headerSize
        var tail: Tail = .clean
        /// Salvage mode: frames found after damage.
        var salvagedAfterDamage: [Frame] = []
        var skippedRegions: [(offset: Int, bytes: Int, reason: String)] = []
    }

    /// Attempts to read one frame at `off` expecting `seq` (nil: any seq). Returns the frame
    /// or a reason.
    static func frame(at off: Int, in b: some ByteSource, seq: UInt64?, key: SymmetricKey, storeID: [UInt8],
                      journalID: [UInt8]) -> Result<Frame, FormatError> {
        guard b.count - off >= frameHeader else { return .failure(FormatError("incomplete frame header (\(b.count - off) bytes)")) }
        let L = b.u32(off)
        let s = b.u64(off + 4)
        guard Array(b.bytes(off + 12..<off + 16)) == check(journalID, L, s) else {
            return .failure(FormatError("frame header check mismatch"))
        }
        if let seq, s != seq { return .failure(FormatError("sequence number \(s) where \(seq) was expected")) }
        let plainSize = Int(L) - Primitives.tagSize
        guard Buckets.isBucket(plainSize) else { return .failure(FormatError("impossible frame length \(L)")) }
        guard off + frameHeader + Int(L) <= b.count else {
            return .failure(FormatError("frame of \(L) bytes runs past the end of the file"))
        }
        guard let plain = Primitives.open(b.bytes((off + frameHeader)..<(off + frameHeader + Int(L))), nonce: b.bytes((off + 16)..<(off + 28)),
                                          key: key, ad: ad(storeID, journalID, s)) else {
            return .failure(FormatError("authentication failed"))
        }
        do {
            let records = try Record.decode(try Buckets.unpad(plain))
            return .success(Frame(seq: s, offset: off, length: frameHeader + Int(L), records: records))
        } catch {
            return .failure(FormatError("authenticated frame is malformed: \(error)"))
        }
    }

    /// Whether the bytes from `off` to the end of the file can be an interrupted final write
    /// rather than damage: fewer bytes than a frame header; a frame whose (checked) header says
    /// it runs past the end of the file; or a 512-byte sector of it that was never written
    /// (all zero: the start of the region, or a whole aligned sector inside it). A complete
    /// frame of random-looking bytes that fails authentication is none of these.
    static func isInterruptedWrite(_ b: some ByteSource, at off: Int, journalID: [UInt8]) -> Bool {
        let rest = b.count - off
        if rest < frameHeader { return true }
        let sector = 512
        let firstEnd = min(b.count, (off / sector + 1) * sector)
        if b.bytes(off..<firstEnd).allSatisfy({ $0 == 0 }) { return true }
        let L = Int(b.u32(off))
        let s = b.u64(off + 4)
        if Array(b.bytes(off + 12..<off + 16)) == check(journalID, UInt32(truncatingIfNeeded: L), s), off + frameHeader + L > b.count {
            return true
        }
        var start = firstEnd
        while start < b.count {
            let end = min(b.count, start + sector)
            if end - start >= 4 && b.bytes(start..<end).allSatisfy({ $0 == 0 }) { return true }
            start = end
        }
        return false
    }

    /// The next authenticated frame at or after `from` with a sequence number of at least
    /// `atLeast` (nil: any sequence number).
    static func findNext(in b: some ByteSource, from: Int, atLeast: UInt64?, key: SymmetricKey, storeID: [UInt8],
                         journalID: [UInt8]) -> Frame? {
        var o = from
        while o + frameHeader <= b.count {
            if let f = frameAnySeq(at: o, in: b, atLeast: atLeast, key: key, storeID: storeID, journalID: journalID) { return f }
            o += 1
        }
        return nil
    }

    /// The authentic frame starting exactly at `o`, whatever its sequence number (at least
    /// `atLeast` if given), or nil.
    static func frameAnySeq(at o: Int, in b: some ByteSource, atLeast: UInt64?, key: SymmetricKey, storeID: [UInt8],
                            journalID: [UInt8]) -> Frame? {
        guard o + frameHeader <= b.count else { return nil }
        // Cheap filters before any hashing: a plausible length and sequence number.
        let L = Int(b.u32(o))
        guard Buckets.isBucket(L - Primitives.tagSize), o + frameHeader + L <= b.count else { return nil }
        let s = b.u64(o + 4)
        if let atLeast, s < atLeast || s - atLeast >= 1 << 32 { return nil }
        if case .success(let f) = frame(at: o, in: b, seq: s, key: key, storeID: storeID, journalID: journalID) { return f }
        return nil
    }

    /// Reads every frame. Stops at the first bad frame and classifies it as a torn tail
    /// (nothing authentic after it) or damage (authentic frames follow). With `salvage`,
    /// keeps going past damage and collects every authentic frame.
    /// `b`: the whole file, or (salvage) a `FileWindow` over it: the same frames either way.
    static func scan(_ b: some ByteSource, key: SymmetricKey, storeID: [UInt8], journalID: [UInt8], salvage: Bool = false) -> Scan {
        var out = Scan()
        var off = headerSize
        var seq: UInt64 = 0
        while off < b.count {
            switch frame(at: off, in: b, seq: seq, key: key, storeID: storeID, journalID: journalID) {
            case .success(let f):
                out.frames.append(f)
                off += f.length
                seq += 1
                out.goodEnd = off
            case .failure(let reason):
                // From `off` itself: with a frame missing, the next one starts right here.
                let next = findNext(in: b, from: off, atLeast: seq, key: key, storeID: storeID, journalID: journalID)
                if let next {
                    out.tail = .damaged(offset: off, seq: seq, reason: reason.description, nextGoodOffset: next.offset)
                } else if isInterruptedWrite(b, at: off, journalID: journalID) {
                    out.tail = .torn(offset: off, bytes: b.count - off, reason: reason.description)
                    if !salvage { return out }
                } else {
                    out.tail = .damagedTail(offset: off, seq: seq, reason: reason.description)
                }
                guard salvage else { return out }
                // Salvage: every offset from here; every authentic frame, whatever its number
                // or position (missing, swapped, repeated frames); every gap listed with why.
                var o = off
                var gapStart: Int? = nil
                var gapReason = reason.description
                while o < b.count {
                    if let f = frameAnySeq(at: o, in: b, atLeast: nil, key: key, storeID: storeID, journalID: journalID) {
                        if let g = gapStart { out.skippedRegions.append((g, o - g, gapReason)); gapStart = nil }
                        out.salvagedAfterDamage.append(f)
                        o += f.length
                    } else {
                        if gapStart == nil {
                            gapStart = o
                            if o != off, case .failure(let why) = frame(at: o, in: b, seq: nil, key: key, storeID: storeID, journalID: journalID) {
                                gapReason = why.description
                            }
                        }
                        o += 1
                    }
                }
                if let g = gapStart { out.skippedRegions.append((g, b.count - g, gapReason)) }
                return out
            }
        }
        return out
    }
}
