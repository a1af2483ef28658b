import Crypto
import Foundation

/// The store's sync identity, sealed to its coordinators (`Manifest.syncIdentity`). Anyone with
/// the data key reads the public half (to show the identity line); only a coordinator whose
/// keyslot's private key opens one of the grants gets the private keys, and with them the power
/// to sign bundles and open bundles addressed to this store.
///
///     u8 version = 1
///     X25519 public 32 · Ed25519 public 32                  the identity's public key (in clear)
///     varint g (≤ 64) · g × (X25519 public 32 · grant 112)  the sync key, sealed with HPKE to
///                                                            each holder (`Grant`, kind 3)
///     varint n · nonce 12 ‖ ciphertext ‖ tag 16             under the sync key,
///                                                            AD = "SENIM-SYNCID-1" ‖ store id ‖ both public keys
///     plain = u32 length · (SyncIdentity.serialized 68 · varint h (≤ 64) · h × (varint+UTF-8 name ·
///             X25519 public 32)) · zeros to a multiple of 256
///
/// The holders are listed inside the sealed part: a worker with the data key can rewrite the
/// manifest's directory (add an entry with a key of their own, marked coordinator), but cannot
/// add themselves to this list, so a coordinator's re-seal never hands them the identity.
struct SyncSeal: Equatable {
    static let version: UInt8 = 1
    static let maxHolders = 64
    static let maxSize = 1 << 16

    struct Holder: Equatable {
        var name: String
        var publicKey: [UInt8]
    }

    var publicKey: PeerKey
    var grants: [(publicKey: [UInt8], grant: [UInt8])]
    var sealed: [UInt8]

    static func == (a: SyncSeal, b: SyncSeal) -> Bool {
        a.publicKey == b.publicKey && a.sealed == b.sealed && a.grants.map(\.publicKey) == b.grants.map(\.publicKey)
            && a.grants.map(\.grant) == b.grants.map(\.grant)
    }

    static func ad(storeID: [UInt8], publicKey: PeerKey) -> [UInt8] {
        Array("SENIM-SYNCID-1".utf8) + storeID + publicKey.agreement + publicKey.signing
    }

    /// Seals `identity` to `holders` under a fresh sync key.
    static func make(_ identity: SyncIdentity, holders: [Holder], storeID: [UInt8]) -> [UInt8] {
        let key = SymmetricKey(size: .bits256)
        let pub = identity.publicKey
        var plain = ByteWriter(capacity: 256)
        plain.raw(identity.serialized)
        plain.varint(UInt64(holders.count))
        for h in holders { plain.string(h.name); plain.raw(h.publicKey) }
        var padded = ByteWriter(capacity: 512)
        padded.u32(UInt32(plain.bytes.count)); padded.raw(plain.bytes)
        padded.zeros((256 - padded.bytes.count % 256) % 256)
        let s = Primitives.seal(padded.bytes, key: key, ad: ad(storeID: storeID, publicKey: pub))

        var w = ByteWriter(capacity: 1024)
        w.u8(version)
        w.raw(pub.agreement); w.raw(pub.signing)
        var sealedTo: [[UInt8]] = []
        for h in holders where !sealedTo.contains(h.publicKey) {
            guard (try? Curve25519.KeyAgreement.PublicKey(rawRepresentation: h.publicKey)) != nil else { continue }
            sealedTo.append(h.publicKey)
        }
        w.varint(UInt64(sealedTo.count))
        for p in sealedTo {
            // Checked above: a valid X25519 key.
            let k = try! Curve25519.KeyAgreement.PublicKey(rawRepresentation: p)
            w.raw(p); w.raw(Grant.seal(key, kind: .sync, to: k, storeID: storeID))
        }
        w.blob(s.nonce + s.sealed)
        return w.bytes
    }

    /// The layout, and the public key (no secret needed).
    static func parse(_ b: [UInt8]) throws(FormatError) -> SyncSeal {
        guard b.count <= maxSize else { throw FormatError("sync identity of \(b.count) bytes") }
        var r = ByteReader(b)
        let v = try r.u8("sync identity version")
        guard v == version else { throw FormatError("sync identity version \(v) is not supported") }
        let a = Array(try r.take(32, "agreement key")), s = Array(try r.take(32, "signing key"))
        guard let pub = try? PeerKey(agreement: a, signing: s) else { throw FormatError("the sync identity's public key is not valid") }
        let g = try r.count("sync grants", max: maxHolders)
        var grants: [(publicKey: [UInt8], grant: [UInt8])] = []
        for _ in 0..<g {
            grants.append((Array(try r.take(32, "holder key")), Array(try r.take(Slot.grantSize, "sync grant"))))
        }
        let sealed = try r.blob("sealed sync identity", max: maxSize)
        guard r.remaining == 0 else { throw FormatError("\(r.remaining) bytes after the sealed sync identity") }
        return SyncSeal(publicKey: pub, grants: grants, sealed: sealed)
    }

    /// The identity and its holders, if `privateKey` opens a grant (nil: no grant for this key,
    /// or it does not authenticate).
    func open(privateKey: Curve25519.KeyAgreement.PrivateKey, storeID: [UInt8]) -> (identity: SyncIdentity, holders: [Holder])? {
        let mine = Array(privateKey.publicKey.rawRepresentation)
        guard sealed.count >= 12 + 16,
              let g = grants.first(where: { $0.publicKey == mine }),
              let key = Grant.open(g.grant, kind: .sync, privateKey: privateKey, storeID: storeID),
              let plain = Primitives.open(sealed[12...], nonce: sealed[0..<12], key: key, ad: Self.ad(storeID: storeID, publicKey: publicKey)),
              let body = try? Buckets.unpad(plain) else { return nil }
        var r = ByteReader(body)
        guard let raw = try? r.take(68, "identity"), let id = try? SyncIdentity(serialized: Array(raw)),
              id.publicKey == publicKey, let n = try? r.count("holders", max: Self.maxHolders) else { return nil }
        var holders: [Holder] = []
        for _ in 0..<n {
            guard let name = try? r.string("holder name", max: Slot.maxNameBytes),
                  let k = try? r.take(32, "holder key") else { return nil }
            holders.append(Holder(name: name, publicKey: Array(k)))
        }
        return (id, holders)
    }

    /// Whether this public key has a grant.
    func hasGrant(_ publicKey: [UInt8]) -> Bool { grants.contains { $0.publicKey == publicKey } }
}
