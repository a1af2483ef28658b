import Crypto
import Foundation
import SenimCore

/// Confidential notes: the psychologists' notes key, sealing and opening notes, and handing
/// the key to other psychologists. Layout in docs/file-format.md.
extension Session {
    /// The notes part of opening: grants the notes key to psychologists still waiting for it.
    func afterOpenNotes() {
        if let nk = notesKey {
            let waiting = manifest.directory.filter { $0.role == .psychologist && !$0.hasNotesGrant }
            if !waiting.isEmpty {
                do {
                    try grantNotesKey(nk, to: waiting)
                    notices.append(Message("store.notice.notesGranted", waiting.map(\.name).joined(separator: ", ")))
                } catch {
                    notices.append(Message("store.notice.notesGrantFailed", "\(error)"))
                }
            }
        } else if role == .psychologist {
            notices.append(Message("store.notice.notesPending"))
        }
    }

    static let noteVersion: UInt8 = 1

    /// Seals a confidential note under the psychologists' notes key (psychologists only).
    ///
    ///     version u8 = 1 · notes key id 8 · nonce 12 · ciphertext (padded to 256-byte steps) · tag 16
    public func sealNote(_ plaintext: String) throws -> [UInt8] {
        try require(.writeConfidentialNotes)
        guard let nk = notesKey else { throw StoreError.notAllowed(Message("store.notes.noKey")) }
        let text = Array(plaintext.utf8)
        var w = ByteWriter(capacity: text.count + 8)
        w.u32(UInt32(text.count)); w.raw(text)
        w.zeros((256 - w.bytes.count % 256) % 256)
        let kid = Self.notesKeyID(nk)
        let sealed = Primitives.seal(w.bytes, key: nk, ad: Array("SENIM-NOTE-1".utf8) + kid)
        return [Self.noteVersion] + kid + sealed.nonce + sealed.sealed
    }

    /// Opens a note sealed by `sealNote` (psychologists only).
    public func openNote(_ sealed: [UInt8]) throws -> String {
        try require(.readConfidentialNotes)
        guard let nk = notesKey else { throw StoreError.notAllowed(Message("store.notes.noKey")) }
        guard sealed.count >= 1 + 8 + 12 + 16, sealed[0] == Self.noteVersion else {
            throw StoreError.invalid(Message("store.notes.malformed"))
        }
        let kid = Array(sealed[1..<9])
        guard kid == Self.notesKeyID(nk) else { throw StoreError.notAllowed(Message("store.notes.otherKey")) }
        guard let plain = Primitives.open(sealed[21...], nonce: sealed[9..<21], key: nk, ad: Array("SENIM-NOTE-1".utf8) + kid),
              let body = try? Buckets.unpad(plain), let text = String(validating: body, as: UTF8.self) else {
            throw StoreError.invalid(Message("store.notes.malformed"))
        }
        return text
    }

    static func notesKeyID(_ k: SymmetricKey) -> [UInt8] {
        Array(Primitives.bytes(Primitives.hkdf(k, salt: [], info: "senim notes key id", count: 8)))
    }

    /// Seals the notes key to psychologists who do not have it yet.
    func grantNotesKey(_ nk: SymmetricKey, to entries: [Manifest.Entry]) throws {
        try requireWritable()
        var kf = keysFile
        var m = manifest
        for e in entries {
            guard let pub = try? Curve25519.KeyAgreement.PublicKey(rawRepresentation: e.publicKey),
                  let i = m.directory.firstIndex(where: { $0.slot == e.slot }) else { continue }
            kf.slots[e.slot] = Slot.replacingGrant(kf.slots[e.slot], kind: .notes, key: nk, to: pub, storeID: storeID)
            m.directory[i].hasNotesGrant = true
        }
        m.notesKeyID = Self.notesKeyID(nk) + [UInt8](repeating: 0, count: 8)
        kf.seal(m, key: keys.manifest)
        try commit(kf, files: [])
        manifest = m
    }
}
