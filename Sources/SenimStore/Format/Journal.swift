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
        /// An incomplete or unauthenticated last write: nothing valid follows it.
        case torn(offset: Int, bytes: Int, reason: String)
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
    static func frame(at off: Int, in b: [UInt8], seq: UInt64?, key: SymmetricKey, storeID: [UInt8],
                      journalID: [UInt8]) -> Result<Frame, FormatError> {
        guard b.count - off >= frameHeader else { return .failure(FormatError("incomplete frame header (\(b.count - off) bytes)")) }
        var r = ByteReader(b, offset: off)
        let L = (try? r.u32("")) ?? 0
        let s = (try? r.u64("")) ?? 0
        guard Array(b[off + 12..<off + 16]) == check(journalID, L, s) else {
            return .failure(FormatError("frame header check mismatch"))
        }
        if let seq, s != seq { return .failure(FormatError("sequence number \(s) where \(seq) was expected")) }
        let plainSize = Int(L) - Primitives.tagSize
        guard Buckets.isBucket(plainSize) else { return .failure(FormatError("impossible frame length \(L)")) }
        guard off + frameHeader + Int(L) <= b.count else {
            return .failure(FormatError("frame of \(L) bytes runs past the end of the file"))
        }
        guard let plain = Primitives.open(b[(off + frameHeader)..<(off + frameHeader + Int(L))], nonce: b[(off + 16)..<(off + 28)],
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

    /// The next authenticated frame after `from` with a sequence number of at least `atLeast`.
    static func findNext(in b: [UInt8], from: Int, atLeast: UInt64, key: SymmetricKey, storeID: [UInt8],
                         journalID: [UInt8]) -> Frame? {
        var o = from
        while o + frameHeader <= b.count {
            // Cheap filters before any hashing: a plausible length and sequence number.
            let L = Int(b[o]) | Int(b[o + 1]) << 8 | Int(b[o + 2]) << 16 | Int(b[o + 3]) << 24
            if Buckets.isBucket(L - Primitives.tagSize), o + frameHeader + L <= b.count {
                var r = ByteReader(b, offset: o + 4)
                let s = (try? r.u64("")) ?? 0
                if s >= atLeast, s - atLeast < 1 << 32,
                   case .success(let f) = frame(at: o, in: b, seq: s, key: key, storeID: storeID, journalID: journalID) {
                    return f
                }
            }
            o += 1
        }
        return nil
    }

    /// Reads every frame. Stops at the first bad frame and classifies it as a torn tail
    /// (nothing authentic after it) or damage (authentic frames follow). With `salvage`,
    /// keeps going past damage and collects every authentic frame.
    static func scan(_ b: [UInt8], key: SymmetricKey, storeID: [UInt8], journalID: [UInt8], salvage: Bool = false) -> Scan {
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
                guard let next = findNext(in: b, from: off + 1, atLeast: seq, key: key,
                                          storeID: storeID, journalID: journalID) else {
                    out.tail = .torn(offset: off, bytes: b.count - off, reason: reason.description)
                    return out
                }
                out.tail = .damaged(offset: off, seq: seq, reason: reason.description, nextGoodOffset: next.offset)
                guard salvage else { return out }
                // Salvage: record the gap and carry on from the next authentic frame.
                var o = next.offset
                var s = next.seq
                out.skippedRegions.append((off, next.offset - off, reason.description))
                while o < b.count {
                    switch frame(at: o, in: b, seq: s, key: key, storeID: storeID, journalID: journalID) {
                    case .success(let f):
                        out.salvagedAfterDamage.append(f)
                        o += f.length
                        s += 1
                    case .failure(let why):
                        guard let n = findNext(in: b, from: o + 1, atLeast: s, key: key, storeID: storeID, journalID: journalID) else {
                            out.skippedRegions.append((o, b.count - o, why.description))
                            return out
                        }
                        out.skippedRegions.append((o, n.offset - o, why.description))
                        o = n.offset
                        s = n.seq
                    }
                }
                return out
            }
        }
        return out
    }
}
