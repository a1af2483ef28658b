import SenimCore

/// A trusted peer: its name in this store and its public keys.
public struct TrustedPeer: Hashable, Sendable {
    public var name: String
    public var key: PeerKey
}

/// The trust list, kept as a store-local value (`sync.trust`).
///
///     version u8 = 1 · count varint · per peer (by name): name string · X25519 32 · Ed25519 32
enum TrustList {
    static let key = "sync.trust"

    static func encode(_ peers: [TrustedPeer]) -> [UInt8] {
        var w = BinaryWriter()
        w.u8(1)
        w.varint(UInt64(peers.count))
        for p in peers.sorted(by: { $0.name < $1.name }) {
            w.string(p.name)
            w.bytes += p.key.agreement
            w.bytes += p.key.signing
        }
        return w.bytes
    }

    static func decode(_ b: [UInt8]) throws(SyncError) -> [TrustedPeer] {
        do {
            return try b.withUnsafeBytes { raw throws(CodecError) -> [TrustedPeer] in
                var r = BinaryReader(raw)
                guard try r.u8() == 1 else { throw .unsupportedVersion(0) }
                let n = try r.varint()
                guard n <= 100_000 else { throw .tooLarge(field: "peers", size: Int(truncatingIfNeeded: n)) }
                var out: [TrustedPeer] = []
                for _ in 0..<Int(n) {
                    let name = try r.string("name", max: 256)
                    guard r.remaining >= 64 else { throw .truncated }
                    let a = Array(raw[r.offset..<r.offset + 32])
                    let s = Array(raw[r.offset + 32..<r.offset + 64])
                    r.offset += 64
                    guard let k = try? PeerKey(agreement: a, signing: s) else { throw .badTag(field: "key", value: 0) }
                    out.append(TrustedPeer(name: name, key: k))
                }
                guard r.remaining == 0 else { throw .trailingBytes(r.remaining) }
                return out
            }
        } catch {
            throw .corruptMetadata(key: key)
        }
    }
}

/// What this store remembers about one peer (`sync.peer.<name>`), for `--since-last` and
/// for replay and gap detection. See docs/sync.md, "Acknowledgement".
struct PeerState: Equatable {
    struct Sent: Equatable {
        var sequence: UInt64
        var digest: Holdings.Digest
    }

    /// Sequence number of the next bundle to this peer.
    var nextSequence: UInt64 = 1
    /// The highest of our sequence numbers the peer said it had imported.
    var acknowledgedByPeer: UInt64 = 0
    /// Sequence numbers of the peer's bundles imported here (sorted).
    var importedSequences: [UInt64] = []
    /// Ids of the peer's bundles imported here (replay detection).
    var importedBundles: Set<[UInt8]> = []
    /// The peer's holdings from the newest of its bundles imported here.
    var peerHoldings: Holdings?
    var peerHoldingsSequence: UInt64 = 0
    /// Buckets sent in bundles the peer has not acknowledged yet, with what was sent.
    var sent: [Holdings.Bucket: Sent] = [:]
    var lastExportAt: Timestamp?
    var lastImportAt: Timestamp?

    static func key(_ peer: String) -> String { "sync.peer.\(peer)" }

    var highestImported: UInt64 { importedSequences.last ?? 0 }

    /// Sequence numbers below `sequence` never imported from the peer (at most `limit`).
    func missing(before sequence: UInt64, limit: Int = 50) -> [UInt64] {
        var out: [UInt64] = []
        let have = Set(importedSequences)
        var s: UInt64 = 1
        while s < sequence && out.count < limit {
            if !have.contains(s) { out.append(s) }
            s += 1
        }
        return out
    }

    func encode() -> [UInt8] {
        var w = BinaryWriter()
        w.u8(1)
        w.varint(nextSequence)
        w.varint(acknowledgedByPeer)
        w.varint(UInt64(importedSequences.count))
        var prev: UInt64 = 0
        for s in importedSequences { w.varint(s - prev); prev = s }
        w.varint(UInt64(importedBundles.count))
        for b in importedBundles.sorted(by: { $0.lexicographicallyPrecedes($1) }) { w.bytes += b }
        if let h = peerHoldings { w.u8(1); h.encode(into: &w) } else { w.u8(0) }
        w.varint(peerHoldingsSequence)
        w.varint(UInt64(sent.count))
        for k in sent.keys.sorted() {
            let s = sent[k]!
            w.fixed64(k.device.rawValue)
            w.int(k.week)
            w.varint(s.sequence)
            w.varint(s.digest.count)
            w.fixed64(s.digest.sumA)
            w.fixed64(s.digest.sumB)
        }
        for t in [lastExportAt, lastImportAt] {
            if let t { w.u8(1); w.int(t) } else { w.u8(0) }
        }
        return w.bytes
    }

    static func decode(_ b: [UInt8], key: String) throws(SyncError) -> PeerState {
        do {
            return try b.withUnsafeBytes { raw throws(CodecError) -> PeerState in
                var r = BinaryReader(raw)
                guard try r.u8() == 1 else { throw .unsupportedVersion(0) }
                var s = PeerState()
                s.nextSequence = try r.varint()
                s.acknowledgedByPeer = try r.varint()
                let ni = try r.varint()
                guard ni <= UInt64(r.remaining) else { throw .truncated }
                var prev: UInt64 = 0
                for _ in 0..<Int(ni) {
                    let (v, o) = prev.addingReportingOverflow(try r.varint())
                    guard !o else { throw .overlong }
                    s.importedSequences.append(v)
                    prev = v
                }
                let nb = try r.varint()
                guard nb <= UInt64(r.remaining / 16) else { throw .truncated }
                for _ in 0..<Int(nb) {
                    s.importedBundles.insert(Array(raw[r.offset..<r.offset + 16]))
                    r.offset += 16
                }
                switch try r.u8() {
                case 0: break
                case 1: s.peerHoldings = try Holdings.decode(from: &r)
                case let t: throw .badTag(field: "holdings", value: Int(t))
                }
                s.peerHoldingsSequence = try r.varint()
                let ns = try r.varint()
                guard ns <= UInt64(r.remaining / 19) else { throw .truncated }
                for _ in 0..<Int(ns) {
                    let k = Holdings.Bucket(device: DeviceID(try r.fixed64()), week: try r.int())
                    let seq = try r.varint()
                    s.sent[k] = Sent(sequence: seq, digest: Holdings.Digest(count: try r.varint(), sumA: try r.fixed64(),
                                                                             sumB: try r.fixed64()))
                }
                var times: [Timestamp?] = []
                for _ in 0..<2 {
                    switch try r.u8() {
                    case 0: times.append(nil)
                    case 1: times.append(try r.int())
                    case let t: throw .badTag(field: "time", value: Int(t))
                    }
                }
                s.lastExportAt = times[0]
                s.lastImportAt = times[1]
                guard r.remaining == 0 else { throw .trailingBytes(r.remaining) }
                return s
            }
        } catch {
            throw .corruptMetadata(key: key)
        }
    }
}
