import Crypto
import Foundation
import SenimCore

/// The `keys` file: plaintext header, a fixed number of fixed-size keyslots (real ones and
/// random decoys, indistinguishable without a passphrase), and the manifest sealed under the
/// data key. Layout in docs/file-format.md.
struct KeysFile {
    static let magic = Array("SENIMKEY".utf8)
    static let version: UInt16 = 1
    static let headerSize = 96
    static let slotSize = 512
    /// The writer always writes this many slots (decoys fill the rest): the number of users
    /// is not visible. The reader accepts 1…maxSlots.
    static let maxSlots = 64
    static let maxManifest = (1 << 22) + Primitives.tagSize
    /// The largest keys file there can be (checked before reading one).
    static let maxFileSize = headerSize + maxSlots * slotSize + maxManifest

    var storeID: [UInt8]
    var storeSalt: [UInt8]
    var slots: [[UInt8]]
    var manifestNonce: [UInt8]
    var manifestSealed: [UInt8]

    func serialize() -> [UInt8] {
        var w = ByteWriter(capacity: Self.headerSize + slots.count * Self.slotSize + manifestSealed.count)
        w.raw(Self.magic)
        w.u16(Self.version)
        w.u16(UInt16(Self.slotSize))
        w.u32(UInt32(slots.count))
        w.raw(storeID)
        w.raw(storeSalt)
        w.u32(UInt32(manifestSealed.count))
        w.raw(manifestNonce)
        w.raw(Primitives.checksum(w.bytes[0..<80], 16))
        for s in slots { w.raw(s) }
        w.raw(manifestSealed)
        return w.bytes
    }

    /// Checks the layout (never runs a KDF). Slots are returned raw; `Slot.inspect` judges each.
    static func parse(_ b: [UInt8]) throws(StoreError) -> KeysFile {
        func bad(_ d: String) -> StoreError { .damaged(file: "keys", detail: d) }
        guard b.count >= headerSize else { throw bad("only \(b.count) bytes; the header alone is \(headerSize)") }
        guard Array(b[0..<8]) == magic else { throw bad("not a Senim keys file (bad magic)") }
        var r = ByteReader(b, offset: 8)
        do {
            let version = try r.u16("version")
            guard version == Self.version else { throw StoreError.unsupportedVersion(Int(version)) }
            guard Primitives.checksum(b[0..<80], 16) == Array(b[80..<96]) else {
                throw bad("header checksum mismatch (bytes 0–95)")
            }
            let slotSize = try r.u16("slot size")
            guard Int(slotSize) == Self.slotSize else { throw bad("slot size \(slotSize), expected \(Self.slotSize)") }
            let count = try r.u32("slot count")
            // Out of range is damage (74), not "too many users": the store never writes it.
            guard count >= 1, count <= UInt32(maxSlots) else { throw bad("slot count \(count) is out of range 1…\(maxSlots)") }
            let storeID = Array(try r.take(16, "store id"))
            let salt = Array(try r.take(32, "store salt"))
            let mlen = Int(try r.u32("manifest length"))
            guard mlen <= maxManifest, Buckets.isBucket(mlen - Primitives.tagSize) else {
                throw bad("manifest length \(mlen) is not a valid size")
            }
            let nonce = Array(try r.take(12, "manifest nonce"))
            let expected = headerSize + Int(count) * Self.slotSize + mlen
            guard b.count == expected else { throw bad("file is \(b.count) bytes, the header says \(expected)") }
            var slots: [[UInt8]] = []
            var off = headerSize
            for _ in 0..<Int(count) {
                slots.append(Array(b[off..<off + Self.slotSize]))
                off += Self.slotSize
            }
            return KeysFile(storeID: storeID, storeSalt: salt, slots: slots, manifestNonce: nonce,
                            manifestSealed: Array(b[off..<off + mlen]))
        } catch let e as StoreError {
            throw e
        } catch {
            throw bad("\(error)")
        }
    }
}

/// One keyslot (512 bytes):
///
///     0   logN u8 · r u32 · p u32            KDF parameters (plaintext, checked before use)
///     9   nonce 12
///     21  sealed content 192 + tag 16        name, role, X25519 private key
///     229 data grant: HPKE enc 32 + 64 + 16  the data key, sealed to the slot's public key
///     341 notes grant: same                  the notes key (psychologists), else random
///     453 random filler 51
///     504 checksum: SHA-256(bytes 0..<504) first 8 bytes
struct Slot {
    static let contentSize = 192
    static let grantPlain = 64
    static let grantSize = 32 + grantPlain + Primitives.tagSize
    static let contentAt = 21
    static let dataGrantAt = contentAt + contentSize + Primitives.tagSize
    static let notesGrantAt = dataGrantAt + grantSize
    static let checksumAt = 504
    static let maxNameBytes = 128

    enum Condition: Equatable {
        case usable(KDFParameters)
        case damaged(String)
    }

    static func params(_ s: [UInt8]) -> KDFParameters {
        var r = ByteReader(s)
        return KDFParameters(logN: (try? r.u8("")) ?? 0, r: (try? r.u32("")) ?? 0, p: (try? r.u32("")) ?? 0)
    }

    /// Checksum and parameter range, before any KDF.
    static func inspect(_ s: [UInt8]) -> Condition {
        guard s.count == KeysFile.slotSize else { return .damaged("wrong size") }
        guard Primitives.checksum(s[0..<checksumAt], 8) == Array(s[checksumAt...]) else { return .damaged("checksum mismatch") }
        let p = params(s)
        if let problem = p.problem { return .damaged("KDF parameters refused: \(problem)") }
        return .usable(p)
    }

    static func withChecksum(_ s: [UInt8]) -> [UInt8] {
        var s = Array(s.prefix(checksumAt))
        s += Primitives.checksum(s[0..<checksumAt], 8)
        return s
    }

    /// A random slot with plausible parameters and a valid checksum.
    static func decoy(_ params: KDFParameters) -> [UInt8] {
        var w = ByteWriter(capacity: KeysFile.slotSize)
        w.u8(params.logN); w.u32(params.r); w.u32(params.p)
        w.raw(Primitives.random(checksumAt - 9))
        return withChecksum(w.bytes)
    }

    static func contentAD(storeID: [UInt8], params: KDFParameters) -> [UInt8] {
        var w = ByteWriter()
        w.raw(Array("SENIM-SLOT-1".utf8)); w.raw(storeID)
        w.u8(params.logN); w.u32(params.r); w.u32(params.p)
        return w.bytes
    }

    /// The KDF salt: per store and per user name (case-folded NFC), so one scrypt run per
    /// parameter set suffices at unlock however many slots there are.
    static func salt(storeSalt: [UInt8], name: String) -> [UInt8] {
        Primitives.sha256(Array("SENIM-SALT-1".utf8), storeSalt, Array(Names.key(name).utf8))
    }

    struct Content {
        var name: String
        var role: Role
        var privateKey: Curve25519.KeyAgreement.PrivateKey
    }

    static func roleCode(_ r: Role) -> UInt8 { r == .worker ? 1 : r == .psychologist ? 2 : 3 }
    static func role(_ c: UInt8) -> Role? { c == 1 ? .worker : c == 2 ? .psychologist : c == 3 ? .coordinator : nil }

    static func encodeContent(_ c: Content) -> [UInt8] {
        var w = ByteWriter(capacity: contentSize)
        let name = Array(c.name.utf8)
        w.u8(1); w.u8(roleCode(c.role)); w.u8(UInt8(name.count))
        w.raw(name); w.zeros(maxNameBytes - name.count)
        w.raw(Array(c.privateKey.rawRepresentation))
        w.zeros(contentSize - w.bytes.count)
        return w.bytes
    }

    static func decodeContent(_ b: [UInt8]) -> Content? {
        guard b.count == contentSize, b[0] == 1, let role = role(b[1]), Int(b[2]) <= maxNameBytes,
              let name = String(validating: b[3..<3 + Int(b[2])], as: UTF8.self),
              let key = try? Curve25519.KeyAgreement.PrivateKey(rawRepresentation: b[131..<163]) else { return nil }
        return Content(name: name, role: role, privateKey: key)
    }

    /// A complete slot for a user.
    static func make(storeID: [UInt8], storeSalt: [UInt8], content: Content, passphrase: [UInt8],
                     params: KDFParameters, dataKey: SymmetricKey, notesKey: SymmetricKey?, derivation: KeyDerivation) -> [UInt8]? {
        guard let kek = derivation.key(passphrase, salt: salt(storeSalt: storeSalt, name: content.name), params: params) else { return nil }
        var w = ByteWriter(capacity: KeysFile.slotSize)
        w.u8(params.logN); w.u32(params.r); w.u32(params.p)
        let sealed = Primitives.seal(encodeContent(content), key: kek, ad: contentAD(storeID: storeID, params: params))
        w.raw(sealed.nonce); w.raw(sealed.sealed)
        let pub = content.privateKey.publicKey
        w.raw(Grant.seal(dataKey, kind: .data, to: pub, storeID: storeID))
        w.raw(notesKey.map { Grant.seal($0, kind: .notes, to: pub, storeID: storeID) } ?? Primitives.random(grantSize))
        w.raw(Primitives.random(checksumAt - w.bytes.count))
        return withChecksum(w.bytes)
    }

    /// Replaces one grant of an existing slot (rekey, notes key granted later).
    static func replacingGrant(_ s: [UInt8], kind: Grant.Kind, key: SymmetricKey?, to pub: Curve25519.KeyAgreement.PublicKey,
                               storeID: [UInt8]) -> [UInt8] {
        var s = s
        let at = kind == .data ? dataGrantAt : notesGrantAt
        let g = key.map { Grant.seal($0, kind: kind, to: pub, storeID: storeID) } ?? Primitives.random(grantSize)
        s.replaceSubrange(at..<at + grantSize, with: g)
        return withChecksum(s)
    }

    /// Opens the content with a derived key; nil if it is not this user's slot.
    static func open(_ s: [UInt8], kek: SymmetricKey, storeID: [UInt8]) -> Content? {
        let p = params(s)
        guard let plain = Primitives.open(s[contentAt..<dataGrantAt], nonce: s[9..<21], key: kek,
                                          ad: contentAD(storeID: storeID, params: p)) else { return nil }
        return decodeContent(plain)
    }

    static func grant(_ s: [UInt8], kind: Grant.Kind, privateKey: Curve25519.KeyAgreement.PrivateKey, storeID: [UInt8]) -> SymmetricKey? {
        let at = kind == .data ? dataGrantAt : notesGrantAt
        return Grant.open(Array(s[at..<at + grantSize]), kind: kind, privateKey: privateKey, storeID: storeID)
    }
}

/// A key sealed to a user's X25519 public key with HPKE (RFC 9180, X25519/HKDF-SHA256/
/// ChaCha20-Poly1305): `enc 32 ‖ ciphertext 64 ‖ tag 16`. Lets a coordinator hand a fresh
/// data key to every remaining user at rekey without knowing their passphrases.
enum Grant {
    /// `sync`: the key the store's sync identity is sealed under (`SyncSeal`), in the manifest.
    enum Kind: UInt8 { case data = 1, notes = 2, sync = 3 }

    static func info(_ kind: Kind, _ storeID: [UInt8]) -> Data { Data(Array("SENIM-GRANT-1".utf8) + storeID + [kind.rawValue]) }

    static func seal(_ key: SymmetricKey, kind: Kind, to pub: Curve25519.KeyAgreement.PublicKey, storeID: [UInt8]) -> [UInt8] {
        var plain: [UInt8] = [1, kind.rawValue] + Primitives.bytes(key)
        plain += [UInt8](repeating: 0, count: Slot.grantPlain - plain.count)
        // HPKE with a valid X25519 key cannot fail.
        var sender = try! HPKE.Sender(recipientKey: pub, ciphersuite: .Curve25519_SHA256_ChachaPoly, info: info(kind, storeID))
        let ct = try! sender.seal(plain)
        return Array(sender.encapsulatedKey) + Array(ct)
    }

    static func open(_ g: [UInt8], kind: Kind, privateKey: Curve25519.KeyAgreement.PrivateKey, storeID: [UInt8]) -> SymmetricKey? {
        guard g.count == Slot.grantSize,
              var r = try? HPKE.Recipient(privateKey: privateKey, ciphersuite: .Curve25519_SHA256_ChachaPoly,
                                          info: info(kind, storeID), encapsulatedKey: Data(g[0..<32])),
              let plain = try? r.open(Data(g[32...])), plain.count == Slot.grantPlain,
              plain[plain.startIndex] == 1, plain[plain.startIndex + 1] == kind.rawValue else { return nil }
        return SymmetricKey(data: plain[(plain.startIndex + 2)..<(plain.startIndex + 34)])
    }
}

/// User names and passphrases are normalised to NFC before use, so the same text typed on
/// keyboards that send precomposed or decomposed letters (й, ё, ә…) opens the same slot.
enum Names {
    static func nfc(_ s: String) -> String { s.precomposedStringWithCanonicalMapping }

    /// Names match case-insensitively and regardless of invisible characters and compatibility
    /// forms (the privacy guard's folding).
    static func key(_ name: String) -> String { PrivacyGuard.nameKey(name) }

    static func passphraseBytes(_ p: String) -> [UInt8] { Array(nfc(p).utf8) }
}

/// The manifest: store-wide facts sealed under the data key inside the keys file.
///
/// Version 2 (written since the notes-access change) adds, per user, whether their passphrase
/// is a one-time passphrase and who created the account when; and, store-wide, whether the
/// notes key must be rotated and the notes keyring. Version 3 (the sync identity sealed to
/// coordinators) adds `syncIdentity`. Versions 1 and 2 are still read (those fields then read as
/// "no", "", 0 and empty); any other version is refused.
struct Manifest: Equatable {
    static let version: UInt8 = 3
    static let readableVersions: ClosedRange<UInt8> = 1...3
    /// The sealed notes keyring is at most this long (256 keys and 64 holders fit easily).
    static let maxKeyring = 1 << 16

    struct Entry: Equatable {
        var slot: Int
        var name: String
        var role: Role
        var publicKey: [UInt8]
        var hasNotesGrant: Bool
        /// The passphrase was set by someone else (a coordinator): the user must choose their
        /// own before doing anything else (flags bit 1).
        var oneTimePassphrase = false
        /// Who created the account, and when (seconds since 1970); "" and 0 when unknown
        /// (accounts listed in a version-1 manifest).
        var createdBy = ""
        var createdAt: Int64 = 0
    }

    var device: DeviceID
    var snapshotID: [UInt8]
    var journalID: [UInt8]
    var created: Int64
    /// Id of the psychologists' current notes key (zeros: none exists yet).
    var notesKeyID: [UInt8]
    var directory: [Entry]
    /// Events that must be in the journal (written with a user change; replayed at open if a
    /// crash came between the keys file and the journal append).
    var pending: [[UInt8]]
    /// Set by `rekey`: the next psychologist who holds the notes key and writes or grants
    /// replaces it with a fresh one (the coordinator's process never sees a notes key).
    var notesRotation = false
    /// The notes keyring (`NotesKeyring`), sealed under the current notes key; empty: none yet.
    var notesKeyring: [UInt8] = []
    /// The sync identity sealed to coordinators (`SyncSeal`); empty: none yet (or, in a store
    /// made before version 3, still in the local value `sync.identity` until a coordinator opens it).
    var syncIdentity: [UInt8] = []

    static let none = [UInt8](repeating: 0, count: 16)

    func encode() -> [UInt8] {
        var w = ByteWriter(capacity: 1024)
        w.u8(Self.version)
        w.u64(device.rawValue)
        w.raw(snapshotID); w.raw(journalID)
        w.u64(UInt64(bitPattern: created))
        w.raw(notesKeyID)
        w.varint(UInt64(directory.count))
        for e in directory {
            w.u8(UInt8(e.slot)); w.string(e.name); w.u8(Slot.roleCode(e.role)); w.raw(e.publicKey)
            w.u8((e.hasNotesGrant ? 1 : 0) | (e.oneTimePassphrase ? 2 : 0))
            w.string(e.createdBy)
            w.u64(UInt64(bitPattern: e.createdAt))
        }
        w.varint(UInt64(pending.count))
        for p in pending { w.blob(p) }
        w.u8(notesRotation ? 1 : 0)
        w.blob(notesKeyring)
        w.blob(syncIdentity)
        return w.bytes
    }

    static func decode(_ b: [UInt8]) throws(FormatError) -> Manifest {
        var r = ByteReader(b)
        let v = try r.u8("manifest version")
        guard readableVersions.contains(v) else { throw FormatError("manifest version \(v) is not supported (this Senim reads 1 to 3)") }
        let device = DeviceID(try r.u64("device"))
        let snap = Array(try r.take(16, "snapshot id"))
        let jnl = Array(try r.take(16, "journal id"))
        let created = Int64(bitPattern: try r.u64("created"))
        let notes = Array(try r.take(16, "notes key id"))
        let n = try r.count("directory", max: KeysFile.maxSlots)
        var dir: [Entry] = []
        for _ in 0..<n {
            let slot = Int(try r.u8("slot"))
            let name = try r.string("name", max: Slot.maxNameBytes)
            guard let role = Slot.role(try r.u8("role")) else { throw FormatError("unknown role") }
            let pub = Array(try r.take(32, "public key"))
            let flags = try r.u8("flags")
            var e = Entry(slot: slot, name: name, role: role, publicKey: pub, hasNotesGrant: flags & 1 != 0)
            if v >= 2 {
                guard flags & ~3 == 0 else { throw FormatError("unknown user flags \(flags)") }
                e.oneTimePassphrase = flags & 2 != 0
                e.createdBy = try r.string("created by", max: Slot.maxNameBytes)
                e.createdAt = Int64(bitPattern: try r.u64("created at"))
            }
            dir.append(e)
        }
        let np = try r.count("pending", max: 64)
        var pending: [[UInt8]] = []
        for _ in 0..<np { pending.append(try r.blob("pending event", max: 1 << 20)) }
        var m = Manifest(device: device, snapshotID: snap, journalID: jnl, created: created, notesKeyID: notes,
                         directory: dir, pending: pending)
        if v >= 2 {
            let flags = try r.u8("notes flags")
            guard flags & ~1 == 0 else { throw FormatError("unknown notes flags \(flags)") }
            m.notesRotation = flags & 1 != 0
            m.notesKeyring = try r.blob("notes keyring", max: maxKeyring)
        }
        if v >= 3 { m.syncIdentity = try r.blob("sync identity", max: SyncSeal.maxSize) }
        return m
    }

    static func ad(_ storeID: [UInt8]) -> [UInt8] { Array("SENIM-MANIFEST-1".utf8) + storeID }
}

/// Keys derived from the data key, one per purpose.
struct DataKeys {
    let root: SymmetricKey
    let journal: SymmetricKey
    let snapshot: SymmetricKey
    let manifest: SymmetricKey

    init(_ root: SymmetricKey, storeID: [UInt8]) {
        self.root = root
        journal = Primitives.hkdf(root, salt: storeID, info: "senim journal v1")
        snapshot = Primitives.hkdf(root, salt: storeID, info: "senim snapshot v1")
        manifest = Primitives.hkdf(root, salt: storeID, info: "senim manifest v1")
    }
}
