import Crypto
import Foundation
import SenimCore

/// Confidential notes: the psychologists' notes key and keyring, sealing and opening notes,
/// and handing the key to another psychologist — only ever by an explicit grant from someone
/// who holds it. Layout in docs/file-format.md; reasoning in docs/threat-model.md.
extension Session {
    static let noteVersion: UInt8 = 1

    // MARK: State

    /// Whether this user holds the store's current notes key.
    public var holdsNotesKey: Bool { notesKey != nil }

    /// Whether this account is still on a one-time passphrase set by someone else. Until the
    /// user chooses their own (`changePassphrase`), the CLI refuses every other command and the
    /// TUI shows nothing else.
    public var mustChangePassphrase: Bool {
        manifest.directory.first { $0.slot == slotIndex }?.oneTimePassphrase ?? false
    }

    /// The fingerprint of this user's own key, computed from the private key in their keyslot
    /// (not from the manifest, which a coordinator could rewrite): what a new psychologist reads
    /// aloud to the holder who grants them access.
    public var keyFingerprint: String { Self.fingerprint(publicKey: Array(privateKey.publicKey.rawRepresentation)) }

    /// 16 hex digits in groups of four from SHA-256 of the X25519 public key.
    public static func fingerprint(publicKey: [UInt8]) -> String {
        let h = Array(Primitives.sha256(Array("SENIM-USER-KEY-1".utf8), publicKey).prefix(8)).hex
        return stride(from: 0, to: 16, by: 4).map { i in
            String(h[h.index(h.startIndex, offsetBy: i)..<h.index(h.startIndex, offsetBy: i + 4)])
        }.joined(separator: "-")
    }

    static func notesKeyID(_ k: SymmetricKey) -> [UInt8] {
        Array(Primitives.bytes(Primitives.hkdf(k, salt: [], info: "senim notes key id", count: 8)))
    }

    static func manifestKeyID(_ k: SymmetricKey) -> [UInt8] { notesKeyID(k) + [UInt8](repeating: 0, count: 8) }

    /// At open: the key from this user's grant counts as current only if it is the one the
    /// manifest names (a stale grant still reads the notes sealed under it); the keyring adds
    /// the older keys.
    func loadNotesKeys() {
        notesReadKeys = [:]
        notesRing = nil
        guard role == .psychologist, let nk = notesKey else { notesKey = nil; return }
        notesReadKeys[Self.notesKeyID(nk)] = nk
        guard Self.manifestKeyID(nk) == manifest.notesKeyID else { notesKey = nil; return }
        if !manifest.notesKeyring.isEmpty,
           let ring = NotesKeyring.open(manifest.notesKeyring, key: nk, storeID: storeID, keyID: Self.notesKeyID(nk)) {
            notesRing = ring
            for k in ring.older { let key = SymmetricKey(data: k); notesReadKeys[Self.notesKeyID(key)] = key }
        }
    }

    /// What a psychologist is told at open (never written: opening a store does not grant).
    func afterOpenNotes() {
        guard role == .psychologist, !mustChangePassphrase else { return }
        if notesKey != nil {
            let waiting = manifest.directory.filter { $0.role == .psychologist && !$0.hasNotesGrant && !$0.oneTimePassphrase }
            if !waiting.isEmpty {
                notices.append(Message("store.notice.notesWaiting", waiting.map(\.name).joined(separator: ", ")))
            }
        } else if manifest.directory.contains(where: { $0.role == .psychologist && $0.hasNotesGrant }) {
            notices.append(Message("store.notice.notesPending"))
        }
    }

    // MARK: Notes

    /// Seals a confidential note under the psychologists' current notes key (psychologists
    /// who hold it). If no psychologist in this store holds a key, a new one is made here, in
    /// the psychologist's own process; if a `rekey` asked for it, the key is rotated first.
    ///
    ///     version u8 = 1 · notes key id 8 · nonce 12 · ciphertext (padded to 256-byte steps) · tag 16
    public func sealNote(_ plaintext: String) throws -> [UInt8] {
        try require(.writeConfidentialNotes)
        try requireOwnPassphrase()
        let nk = try currentNotesKeyForWriting()
        let text = Array(plaintext.utf8)
        var w = ByteWriter(capacity: text.count + 8)
        w.u32(UInt32(text.count)); w.raw(text)
        w.zeros((256 - w.bytes.count % 256) % 256)
        let kid = Self.notesKeyID(nk)
        let sealed = Primitives.seal(w.bytes, key: nk, ad: Array("SENIM-NOTE-1".utf8) + kid)
        return [Self.noteVersion] + kid + sealed.nonce + sealed.sealed
    }

    /// Opens a note sealed by `sealNote` (psychologists only), with whichever key of the
    /// keyring it was sealed under.
    public func openNote(_ sealed: [UInt8]) throws -> String {
        try require(.readConfidentialNotes)
        try requireOwnPassphrase()
        guard !notesReadKeys.isEmpty else { throw StoreError.notAllowed(Message("store.notes.noKey")) }
        guard sealed.count >= 1 + 8 + 12 + 16, sealed[0] == Self.noteVersion else {
            throw StoreError.invalid(Message("store.notes.malformed"))
        }
        let kid = Array(sealed[1..<9])
        guard let nk = notesReadKeys[kid] else { throw StoreError.notAllowed(Message("store.notes.otherKey")) }
        guard let plain = Primitives.open(sealed[21...], nonce: sealed[9..<21], key: nk, ad: Array("SENIM-NOTE-1".utf8) + kid),
              let body = try? Buckets.unpad(plain), let text = String(validating: body, as: UTF8.self) else {
            throw StoreError.invalid(Message("store.notes.malformed"))
        }
        return text
    }

    func requireOwnPassphrase() throws(StoreError) {
        if mustChangePassphrase { throw .notAllowed(Message("store.passphrase.mustChange")) }
    }

    /// The key to seal with: rotates first if asked to; creates the store's first key (or a
    /// fresh one when no holder is left) if this psychologist has none and nobody else holds one.
    func currentNotesKeyForWriting() throws -> SymmetricKey {
        if let nk = notesKey {
            if manifest.notesRotation { return try rotateNotesKey() }
            return nk
        }
        let holders = manifest.directory.filter { $0.role == .psychologist && $0.hasNotesGrant && $0.slot != slotIndex }
        guard holders.isEmpty else { throw StoreError.notAllowed(Message("store.notes.noKey")) }
        return try startNotesKey()
    }

    /// The first notes key of this store (or a new one after the last holder left).
    func startNotesKey() throws -> SymmetricKey {
        try requireWritable()
        let nk = SymmetricKey(size: .bits256)
        var ring = NotesKeyring()
        // Keys this user could still read with (a stale grant) stay readable.
        ring.older = notesReadKeys.values.map(Primitives.bytes)
        ring.holders = [NotesKeyring.Holder(name: user, publicKey: Array(privateKey.publicKey.rawRepresentation))]
        let hadKey = manifest.notesKeyID != Manifest.none
        try commitNotesKey(nk, ring: ring, grantTo: [slotIndex], replacing: true)
        if hadKey { notices.append(Message("store.notice.notesNewKey")) }
        return nk
    }

    /// Replaces the notes key with a fresh one (after `rekey`), sealed to the holders the
    /// keyring lists who still have the same key in this store; the old key moves to the
    /// keyring so every note stays readable.
    func rotateNotesKey() throws -> SymmetricKey {
        try requireWritable()
        let nk = SymmetricKey(size: .bits256)
        var ring = notesRing ?? NotesKeyring(holders: legacyHolders())
        ring.older = notesReadKeys.values.map(Primitives.bytes).sorted { $0.lexicographicallyPrecedes($1) }
        let slots = holderSlots(ring).subtracting([slotIndex])
        ring.holders = manifest.directory.filter { slots.contains($0.slot) }.map { NotesKeyring.Holder(name: $0.name, publicKey: $0.publicKey) }
            + [NotesKeyring.Holder(name: user, publicKey: Array(privateKey.publicKey.rawRepresentation))]
        try commitNotesKey(nk, ring: ring, grantTo: slots.union([slotIndex]), replacing: true)
        notices.append(Message("store.notice.notesRotated"))
        return nk
    }

    /// Slots of psychologists in the directory whose name and key are listed in the keyring
    /// (a coordinator can rewrite the manifest's directory, not the keyring).
    func holderSlots(_ ring: NotesKeyring) -> Set<Int> {
        Set(manifest.directory.filter { e in
            e.role == .psychologist && ring.holders.contains { Names.key($0.name) == Names.key(e.name) && $0.publicKey == e.publicKey }
        }.map(\.slot))
    }

    /// Stores made before the keyring existed: the holders are those the directory says hold
    /// a grant (the only record there is).
    func legacyHolders() -> [NotesKeyring.Holder] {
        manifest.directory.filter { $0.role == .psychologist && $0.hasNotesGrant }
            .map { NotesKeyring.Holder(name: $0.name, publicKey: $0.publicKey) }
    }

    /// Seals the keyring under `nk` and commits the keys file, sealing `nk` to the slots in
    /// `grantTo`. With `replacing` (a new key) everyone else's notes grant becomes random
    /// bytes; without, the other slots are not touched: existing grants are never re-sealed to
    /// a public key read from the manifest, which a coordinator could have rewritten.
    func commitNotesKey(_ nk: SymmetricKey, ring: NotesKeyring, grantTo: Set<Int>, replacing: Bool) throws {
        var kf = keysFile
        var m = manifest
        for i in m.directory.indices {
            let e = m.directory[i]
            let gets = grantTo.contains(e.slot)
            if !gets && !replacing { continue }
            if gets {
                // Our own grant goes to the key in our slot, not to what the manifest says.
                guard let pub = e.slot == slotIndex ? privateKey.publicKey
                        : try? Curve25519.KeyAgreement.PublicKey(rawRepresentation: e.publicKey) else {
                    throw StoreError.damaged(file: "keys", detail: "the manifest holds a bad public key for keyslot \(e.slot)")
                }
                kf.slots[e.slot] = Slot.replacingGrant(kf.slots[e.slot], kind: .notes, key: nk, to: pub, storeID: storeID)
            } else if e.hasNotesGrant {
                kf.slots[e.slot] = Slot.replacingGrant(kf.slots[e.slot], kind: .notes, key: nil,
                                                       to: privateKey.publicKey, storeID: storeID)
            }
            m.directory[i].hasNotesGrant = gets
        }
        m.notesKeyID = Self.manifestKeyID(nk)
        m.notesRotation = false
        m.notesKeyring = ring.seal(under: nk, storeID: storeID, keyID: Self.notesKeyID(nk))
        kf.seal(m, key: keys.manifest)
        try commit(kf, files: [])
        manifest = m
        notesKey = nk
        notesRing = ring
        notesReadKeys[Self.notesKeyID(nk)] = nk
        for k in ring.older { let key = SymmetricKey(data: k); notesReadKeys[Self.notesKeyID(key)] = key }
    }

    // MARK: Grants

    /// Peer psychologists with an account here, by name (psychologists and coordinators).
    public func notesAccounts() throws -> [NotesAccount] {
        guard role == .psychologist || role == .coordinator else {
            throw StoreError.notAllowed(Message("policy.denied", role.rawValue, Action.readConfidentialNotes.rawValue))
        }
        return manifest.directory.filter { $0.role == .psychologist }.map {
            NotesAccount(name: $0.name, holdsKey: $0.hasNotesGrant, mustChangePassphrase: $0.oneTimePassphrase,
                         createdBy: $0.createdBy, createdAt: $0.createdAt, fingerprint: Self.fingerprint(publicKey: $0.publicKey))
        }.sorted { $0.name < $1.name }
    }

    /// Gives the notes key to another peer psychologist of this store: only a psychologist who
    /// holds it, only to an account that has chosen its own passphrase. Compare the fingerprint
    /// (`notesAccounts`) with the one the person reads from their own screen before calling this.
    public func grantNotes(to name: String) throws {
        try require(.readConfidentialNotes)
        try requireOwnPassphrase()
        try requireWritable()
        guard var nk = notesKey else { throw StoreError.notAllowed(Message("store.notes.noKey")) }
        guard let entry = manifest.directory.first(where: { Names.key($0.name) == Names.key(name) }) else {
            throw StoreError.invalid(Message("store.user.notFound", String(PrivacyGuard.echo(name).prefix(40))))
        }
        guard entry.role == .psychologist else { throw StoreError.invalid(Message("store.notes.notPsychologist", entry.name)) }
        guard entry.slot != slotIndex, !entry.hasNotesGrant else { throw StoreError.invalid(Message("store.notes.alreadyHolds", entry.name)) }
        guard !entry.oneTimePassphrase else { throw StoreError.notAllowed(Message("store.notes.oneTime", entry.name)) }
        if manifest.notesRotation { nk = try rotateNotesKey() }
        var ring = notesRing ?? NotesKeyring(holders: legacyHolders())
        ring.older = olderKeys(than: nk)
        ring.holders.removeAll { Names.key($0.name) == Names.key(entry.name) }
        ring.holders.append(NotesKeyring.Holder(name: entry.name, publicKey: entry.publicKey))
        try commitNotesKey(nk, ring: ring, grantTo: [entry.slot], replacing: false)
    }

    /// Whether `entry` is the only account holding the notes key (losing it makes every note
    /// unreadable in this store).
    func isLastNotesHolder(_ entry: Manifest.Entry) -> Bool {
        entry.hasNotesGrant && !manifest.directory.contains { $0.slot != entry.slot && $0.role == .psychologist && $0.hasNotesGrant }
    }

    /// Whether removing or resetting `name` would leave no one holding the notes key
    /// (coordinators ask before doing it; the TUI warns in its confirmation).
    public func wouldLoseLastNotesHolder(_ name: String) -> Bool {
        manifest.directory.first { Names.key($0.name) == Names.key(name) }.map(isLastNotesHolder) ?? false
    }
}
