import Crypto
import Foundation

/// The psychologists' notes keyring, sealed under the current notes key inside the manifest
/// (`Manifest.notesKeyring`). A coordinator holds the data key and so can read and replace
/// the manifest, but cannot open or forge this: it needs the notes key.
///
///     sealed   = nonce 12 ‖ ciphertext ‖ tag 16
///                key = current notes key, AD = "SENIM-KEYRING-1" ‖ store id ‖ current key id (8)
///     plain    = u8 version = 1
///                varint n (≤ 256) · n × older notes key 32       keys notes were sealed under before
///                                                                  (rotations, other sites' keys)
///                varint h (≤ 64)  · h × (varint+UTF-8 name · X25519 public key 32)
///                                                                  who was granted the current key,
///                                                                  by a holder (rotation seals the
///                                                                  next key only to these)
///                u8 exchange flag · [X25519 private key 32]        this programme's notes exchange key
///                                                                  (cross-site shares; 0: none yet)
///                padded with zeros to a multiple of 256 bytes (u32 length first)
struct NotesKeyring: Equatable {
    static let version: UInt8 = 1
    static let maxKeys = 256
    static let maxHolders = 64

    struct Holder: Equatable {
        var name: String
        var publicKey: [UInt8]
    }

    /// Older keys, for reading only.
    var older: [[UInt8]] = []
    var holders: [Holder] = []
    var exchange: [UInt8]?

    static func ad(storeID: [UInt8], keyID: [UInt8]) -> [UInt8] { Array("SENIM-KEYRING-1".utf8) + storeID + keyID }

    func encode() -> [UInt8] {
        var w = ByteWriter(capacity: 256)
        w.u8(Self.version)
        w.varint(UInt64(older.count))
        for k in older { w.raw(k) }
        w.varint(UInt64(holders.count))
        for h in holders { w.string(h.name); w.raw(h.publicKey) }
        if let exchange { w.u8(1); w.raw(exchange) } else { w.u8(0) }
        return w.bytes
    }

    static func decode(_ b: [UInt8]) throws(FormatError) -> NotesKeyring {
        var r = ByteReader(b)
        let v = try r.u8("keyring version")
        guard v == version else { throw FormatError("notes keyring version \(v) is not supported") }
        var k = NotesKeyring()
        let n = try r.count("older keys", max: maxKeys)
        for _ in 0..<n { k.older.append(Array(try r.take(32, "older key"))) }
        let h = try r.count("holders", max: maxHolders)
        for _ in 0..<h {
            let name = try r.string("holder name", max: Slot.maxNameBytes)
            k.holders.append(Holder(name: name, publicKey: Array(try r.take(32, "holder key"))))
        }
        let flag = try r.u8("exchange flag")
        guard flag <= 1 else { throw FormatError("bad exchange flag \(flag)") }
        if flag == 1 { k.exchange = Array(try r.take(32, "exchange key")) }
        return k
    }

    func seal(under key: SymmetricKey, storeID: [UInt8], keyID: [UInt8]) -> [UInt8] {
        var w = ByteWriter()
        let plain = encode()
        w.u32(UInt32(plain.count)); w.raw(plain)
        w.zeros((256 - w.bytes.count % 256) % 256)
        let s = Primitives.seal(w.bytes, key: key, ad: Self.ad(storeID: storeID, keyID: keyID))
        return s.nonce + s.sealed
    }

    /// nil when it does not authenticate under `key` (another key, or damaged).
    static func open(_ sealed: [UInt8], key: SymmetricKey, storeID: [UInt8], keyID: [UInt8]) -> NotesKeyring? {
        guard sealed.count >= 12 + 16,
              let plain = Primitives.open(sealed[12...], nonce: sealed[0..<12], key: key, ad: ad(storeID: storeID, keyID: keyID)),
              let body = try? Buckets.unpad(plain) else { return nil }
        return try? decode(body)
    }
}
