import Crypto
import CryptoExtras

/// How a passphrase becomes a keyslot's key-encryption key. The shipped tools always use
/// `.scrypt`; a caller may pass another (the store tests memoise scrypt so that
/// fault-injection tests can reopen a store thousands of times, the crash-test helper reuses
/// the key its parent derived). It is a parameter of `Session.create`, `open`, `verify` and
/// `salvage`, kept by the session for later passphrase changes: no process-wide switch.
public struct KeyDerivation: Sendable {
    private let run: @Sendable (_ passphrase: [UInt8], _ salt: [UInt8], _ params: KDFParameters) -> [UInt8]?

    /// `run` gets a non-empty passphrase and parameters without a `problem`; it returns the
    /// 32-byte key, or nil when it cannot derive one.
    public init(_ run: @escaping @Sendable (_ passphrase: [UInt8], _ salt: [UInt8], _ params: KDFParameters) -> [UInt8]?) {
        self.run = run
    }

    /// scrypt from swift-crypto's CryptoExtras, with the slot's parameters.
    public static let scrypt = KeyDerivation { passphrase, salt, params in
        guard let key = try? KDF.Scrypt.deriveKey(from: passphrase, salt: salt, outputByteCount: 32,
                                                  rounds: 1 << Int(params.logN), blockSize: Int(params.r),
                                                  parallelism: Int(params.p)) else { return nil }
        return key.withUnsafeBytes { Array($0) }
    }

    /// The key for `passphrase`; refuses, without running anything, an empty passphrase or
    /// parameters that `KDFParameters.problem` rejects (absurd headers never reach the KDF).
    public func derive(_ passphrase: [UInt8], salt: [UInt8], params: KDFParameters) -> [UInt8]? {
        guard !passphrase.isEmpty, params.problem == nil, let key = run(passphrase, salt, params), key.count == 32 else { return nil }
        return key
    }

    func key(_ passphrase: [UInt8], salt: [UInt8], params: KDFParameters) -> SymmetricKey? {
        derive(passphrase, salt: salt, params: params).map { SymmetricKey(data: $0) }
    }
}
