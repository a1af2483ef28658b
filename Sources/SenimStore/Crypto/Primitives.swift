import Crypto
import CryptoExtras
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

    /// scrypt. The caller has checked `params.problem == nil` and that the passphrase is not empty.
    static func scrypt(_ passphrase: [UInt8], salt: [UInt8], params: KDFParameters) -> SymmetricKey? {
        KDFCache.shared.attempt(salt)
        if let hit = KDFCache.shared.lookup(passphrase, salt, params) { return hit }
        guard !passphrase.isEmpty, params.problem == nil,
              let key = try? KDF.Scrypt.deriveKey(from: passphrase, salt: salt, outputByteCount: 32,
                                                  rounds: 1 << Int(params.logN), blockSize: Int(params.r),
                                                  parallelism: Int(params.p)) else { return nil }
        KDFCache.shared.store(passphrase, salt, params, key)
        return key
    }
}

/// Test-only memo of scrypt results, so that fault-injection tests can reopen a store
/// thousands of times. Disabled unless a test turns it on; never on in the shipped tools.
/// `@unchecked Sendable`: every mutable property is only touched under `lock`.
/// Known debt (issue 19): a process-wide test knob; it should become a key-derivation
/// parameter of `Session.open`/`create` (every store test would pass it).
final class KDFCache: @unchecked Sendable {
    static let shared = KDFCache()
    private let lock = NSLock()
    private var enabled = false
    private var table: [[UInt8]: SymmetricKey] = [:]
    /// Counts real scrypt runs (tests check that absurd headers never reach the KDF).
    private(set) var derivations = 0

    func enable() { lock.lock(); enabled = true; lock.unlock() }

    /// Salts the KDF was asked to run with (only while enabled): tests prove that refused
    /// headers never reach it.
    private var attemptedSalts = Set<[UInt8]>()

    func attempt(_ salt: [UInt8]) {
        lock.lock(); defer { lock.unlock() }
        if enabled { attemptedSalts.insert(salt) }
    }

    func wasAttempted(_ salt: [UInt8]) -> Bool {
        lock.lock(); defer { lock.unlock() }
        return attemptedSalts.contains(salt)
    }

    var count: Int { lock.lock(); defer { lock.unlock() }; return derivations }

    private func key(_ p: [UInt8], _ s: [UInt8], _ k: KDFParameters) -> [UInt8] {
        Primitives.sha256(p, [0], s, [k.logN], withUnsafeBytes(of: k.r) { Array($0) }, withUnsafeBytes(of: k.p) { Array($0) })
    }

    func lookup(_ p: [UInt8], _ s: [UInt8], _ k: KDFParameters) -> SymmetricKey? {
        lock.lock(); defer { lock.unlock() }
        guard enabled else { return nil }
        return table[key(p, s, k)]
    }

    /// Seeds the memo with a key derived elsewhere (the torture helper, from its parent test).
    func preload(_ p: [UInt8], _ s: [UInt8], _ k: KDFParameters, _ v: [UInt8]) {
        lock.lock(); defer { lock.unlock() }
        table[key(p, s, k)] = SymmetricKey(data: v)
    }

    func store(_ p: [UInt8], _ s: [UInt8], _ k: KDFParameters, _ v: SymmetricKey) {
        lock.lock(); defer { lock.unlock() }
        derivations += 1
        if enabled { table[key(p, s, k)] = v }
    }
}
