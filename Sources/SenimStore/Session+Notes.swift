import Crypto
import Foundation
import SenimCore

extension Session {
    // MARK: Confidential notes

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
}
