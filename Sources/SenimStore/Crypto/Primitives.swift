import Crypto
import Foundation

/// The few cryptographic operations the store uses, all from swift-crypto.
enum Primitives {
    static let nonceSize = 12
    static let tagSize = 16

    static func random(_ n: Int) -> [UInt8] {
        var g = SystemRandomNumberGenerator()
        var out = [UInt8](repeating: 0, count: n)
        var i = 0
        while i < n {
            var v = g.next()
            for _ in 0..<8 where i < n {
                out[i] = UInt8(truncatingIfNeeded: v)
                v >>= 8
                i += 1
            }
        }
        return out
    }

    static func sha256(_ parts: [UInt8]...) -> [UInt8] {
        var h = SHA256()
        for p in parts { h.update(data: p) }
        return Array(h.finalize())
    }

    static func checksum(_ bytes: ArraySlice<UInt8>, _ n: Int) -> [UInt8] {
        var h = SHA256()
        h.update(data: bytes)
        return Array(Array(h.finalize()).prefix(n))
    }

    static func hkdf(_ key: SymmetricKey, salt: [UInt8], info: String, count: Int = 32) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: key, salt: salt, info: Array(info.utf8), outputByteCount: count)
    }

    static func bytes(_ key: SymmetricKey) -> [UInt8] { key.withUnsafeBytes { Array($0) } }

    /// ChaCha20-Poly1305 with a fresh random nonce. Returns (nonce, ciphertext ‖ tag).
    static func seal(_ plaintext: [UInt8], key: SymmetricKey, ad: [UInt8]) -> (nonce: [UInt8], sealed: [UInt8]) {
        let nonce = random(nonceSize)
        // Sealing with a valid key and nonce cannot fail.
        let box = try! ChaChaPoly.seal(plaintext, using: key, nonce: try! ChaChaPoly.Nonce(data: nonce), authenticating: ad)
        return (nonce, Array(box.ciphertext) + Array(box.tag))
    }

    /// nil when authentication fails.
    static func open(_ sealed: ArraySlice<UInt8>, nonce: ArraySlice<UInt8>, key: SymmetricKey, ad: [UInt8]) -> [UInt8]? {
        guard sealed.count >= tagSize, nonce.count == nonceSize,
              let n = try? ChaChaPoly.Nonce(data: nonce),
              let box = try? ChaChaPoly.SealedBox(nonce: n, ciphertext: sealed.dropLast(tagSize), tag: sealed.suffix(tagSize)),
              let plain = try? ChaChaPoly.open(box, using: key, authenticating: ad) else { return nil }
        return Array(plain)
    }
}
