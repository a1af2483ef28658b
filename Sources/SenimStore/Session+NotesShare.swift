import Crypto
import Foundation
import SenimCore

/// Confidential notes across sites. Each store's psychologists keep their own notes key;
/// notes travel in sync bundles still sealed under it. For the psychologists of store B to
/// read notes written at store A, a psychologist holding A's key *shares* A's keys with B:
/// sealed to B's notes exchange key, which only B's notes-key holders can open (it lives in
/// B's keyring, under B's notes key). Like `sync trust`, the exchange key is handed over as a
/// line and checked by voice with its fingerprint; nothing is ever shared automatically.
///
///     exchange line = "senimnotes1:" + base64url(X25519 public key 32 ‖ SHA-256("senim-notes/v1 key" ‖ key)[..4])
///     share         = HPKE enc 32 ‖ ciphertext ‖ tag 16 (no magic), to the exchange key,
///                     info "SENIM-NOTES-SHARE-1"; plaintext = u8 version 1 · varint n (≤ 256) · n × key 32
extension Session {
    static let exchangePrefix = "senimnotes1:"
    static let exchangeLabel = Array("senim-notes/v1 key".utf8)
    static let shareInfo = Data("SENIM-NOTES-SHARE-1".utf8)
    /// A share holds at most this many keys (a programme's worth of sites and rotations).
    static let maxSharedKeys = 256

    /// This store's notes exchange key, as a line to give to a psychologist at another store,
    /// and its fingerprint to compare by voice. Made (and kept in the keyring) on first use.
    public func notesExchangeIdentity() throws -> (line: String, fingerprint: String) {
        try require(.readConfidentialNotes)
        try requireOwnPassphrase()
        let key = try exchangeKey()
        let pub = Array(key.publicKey.rawRepresentation)
        return (Self.exchangePrefix + Base64URL.encode(pub + Self.exchangeChecksum(pub)), Self.exchangeFingerprint(pub))
    }

    static func exchangeChecksum(_ pub: [UInt8]) -> [UInt8] { Array(Primitives.sha256(exchangeLabel, pub).prefix(4)) }

    static func exchangeFingerprint(_ pub: [UInt8]) -> String { fingerprint(publicKey: pub) }

    /// Reads an exchange line (whitespace anywhere is ignored); returns the public key.
    public static func parseExchangeLine(_ line: String) throws(StoreError) -> (key: [UInt8], fingerprint: String) {
        let t = String(line.filter { !$0.isWhitespace })
        guard t.hasPrefix(exchangePrefix), let raw = Base64URL.decode(String(t.dropFirst(exchangePrefix.count))), raw.count == 36,
              exchangeChecksum(Array(raw[0..<32])) == Array(raw[32..<36]),
              (try? Curve25519.KeyAgreement.PublicKey(rawRepresentation: raw[0..<32])) != nil else {
            throw .invalid(Message("store.notes.badExchangeLine"))
        }
        let pub = Array(raw[0..<32])
        return (pub, exchangeFingerprint(pub))
    }

    /// The exchange key from the keyring, made now if the keyring has none.
    func exchangeKey() throws -> Curve25519.KeyAgreement.PrivateKey {
        guard var nk = notesKey else { throw StoreError.notAllowed(Message("store.notes.noKey")) }
        if manifest.notesRotation { nk = try rotateNotesKey() }
        if let raw = notesRing?.exchange, let k = try? Curve25519.KeyAgreement.PrivateKey(rawRepresentation: raw) { return k }
        let k = Curve25519.KeyAgreement.PrivateKey()
        var ring = notesRing ?? NotesKeyring(holders: legacyHolders())
        ring.exchange = Array(k.rawRepresentation)
        ring.older = olderKeys(than: nk)
        try commitNotesKey(nk, ring: ring, grantTo: [], replacing: false)
        return k
    }

    /// Every read key except `current`.
    func olderKeys(than current: SymmetricKey) -> [[UInt8]] {
        let id = Self.notesKeyID(current)
        return notesReadKeys.filter { $0.key != id }.map { Primitives.bytes($0.value) }.sorted { $0.lexicographicallyPrecedes($1) }
    }

    /// Seals every notes key this user can read with (current and older) to another store's
    /// exchange key (`line`, checked by voice against `fingerprint` first). Holders only.
    public func shareNotesKeys(to line: String) throws -> [UInt8] {
        try require(.readConfidentialNotes)
        try requireOwnPassphrase()
        guard var nk = notesKey else { throw StoreError.notAllowed(Message("store.notes.noKey")) }
        if manifest.notesRotation { nk = try rotateNotesKey() }
        let target = try Self.parseExchangeLine(line)
        if let own = notesRing?.exchange, let k = try? Curve25519.KeyAgreement.PrivateKey(rawRepresentation: own),
           Array(k.publicKey.rawRepresentation) == target.key {
            throw StoreError.invalid(Message("store.notes.shareSelf"))
        }
        let keys = [Primitives.bytes(nk)] + olderKeys(than: nk)
        var w = ByteWriter(capacity: 8 + 32 * keys.count)
        w.u8(1)
        w.varint(UInt64(min(keys.count, Self.maxSharedKeys)))
        for k in keys.prefix(Self.maxSharedKeys) { w.raw(k) }
        let pub = try Curve25519.KeyAgreement.PublicKey(rawRepresentation: target.key)
        var sender = try HPKE.Sender(recipientKey: pub, ciphersuite: .Curve25519_SHA256_ChachaPoly, info: Self.shareInfo)
        let ct = try sender.seal(w.bytes)
        return Array(sender.encapsulatedKey) + Array(ct)
    }

    /// Adds the keys of a share made for this store to the keyring, for reading only (notes
    /// here are still written under this store's own key). Holders only. Returns how many
    /// keys were new.
    @discardableResult
    public func acceptNotesShare(_ share: [UInt8]) throws -> Int {
        try require(.readConfidentialNotes)
        try requireOwnPassphrase()
        try requireWritable()
        guard share.count >= 32 + 16 + 2, share.count <= 32 + 16 + 3 + 32 * Self.maxSharedKeys else {
            throw StoreError.invalid(Message("store.notes.badShare"))
        }
        let exchange = try exchangeKey()
        guard var nk = notesKey else { throw StoreError.notAllowed(Message("store.notes.noKey")) }
        if manifest.notesRotation { nk = try rotateNotesKey() }
        guard var r = try? HPKE.Recipient(privateKey: exchange, ciphersuite: .Curve25519_SHA256_ChachaPoly, info: Self.shareInfo,
                                          encapsulatedKey: Data(share[0..<32])),
              let plain = try? r.open(Data(share[32...])) else {
            throw StoreError.invalid(Message("store.notes.badShare"))
        }
        var reader = ByteReader(Array(plain))
        var keys: [[UInt8]] = []
        do {
            guard try reader.u8("share version") == 1 else { throw FormatError("share version") }
            let n = try reader.count("keys", max: Self.maxSharedKeys)
            for _ in 0..<n { keys.append(Array(try reader.take(32, "key"))) }
            guard reader.remaining == 0 else { throw FormatError("trailing bytes") }
        } catch {
            throw StoreError.invalid(Message("store.notes.badShare"))
        }
        let fresh = keys.filter { notesReadKeys[Self.notesKeyID(SymmetricKey(data: $0))] == nil }
        guard !fresh.isEmpty else { return 0 }
        guard notesReadKeys.count + fresh.count <= NotesKeyring.maxKeys else { throw StoreError.invalid(Message("store.notes.badShare")) }
        var ring = notesRing ?? NotesKeyring(holders: legacyHolders())
        ring.older = olderKeys(than: nk) + fresh
        try commitNotesKey(nk, ring: ring, grantTo: [], replacing: false)
        return fresh.count
    }
}
