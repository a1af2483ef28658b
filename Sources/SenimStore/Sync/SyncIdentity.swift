import Crypto
import Foundation

/// A peer's public keys: X25519 to encrypt bundles to it, Ed25519 to check its signatures.
public struct PeerKey: Hashable, Sendable {
    /// 32 bytes.
    public let agreement: [UInt8]
    /// 32 bytes.
    public let signing: [UInt8]

    public init(agreement: [UInt8], signing: [UInt8]) throws(SyncError) {
        guard agreement.count == 32, signing.count == 32 else { throw .badKey(reason: "a key is not 32 bytes") }
        guard (try? Curve25519.KeyAgreement.PublicKey(rawRepresentation: agreement)) != nil,
              (try? Curve25519.Signing.PublicKey(rawRepresentation: signing)) != nil else {
            throw .badKey(reason: "not a Curve25519 key")
        }
        self.agreement = agreement
        self.signing = signing
    }

    static let linePrefix = "senim1:"
    static let checkLabel = Array("senim-sync/v1 key".utf8)

    /// `senim1:` + base64url (no padding) of X25519 key ‖ Ed25519 key ‖ 4-byte checksum
    /// (the first 4 bytes of SHA-256("senim-sync/v1 key" ‖ both keys)). 98 characters.
    public var publicLine: String {
        let body = agreement + signing
        return Self.linePrefix + Base64URL.encode(body + Self.checksum(body))
    }

    /// A short form to compare by voice or on screen: 16 hex digits in groups of four.
    public var fingerprint: String {
        let h = Array(SHA256.hash(data: agreement + signing)).prefix(8)
        let hex = h.map { b in String(b, radix: 16).count == 1 ? "0" + String(b, radix: 16) : String(b, radix: 16) }.joined()
        var out = ""
        for (i, c) in hex.enumerated() {
            if i > 0 && i % 4 == 0 { out.append("-") }
            out.append(c)
        }
        return out
    }

    static func checksum(_ body: [UInt8]) -> [UInt8] {
        Array(SHA256.hash(data: checkLabel + body).prefix(4))
    }

    /// Reads a line printed by `SyncIdentity.publicLine`. Whitespace anywhere is ignored (a
    /// messenger may wrap a long line).
    public static func parse(_ line: String) throws(SyncError) -> PeerKey {
        let t = String(line.filter { !$0.isWhitespace })
        guard t.hasPrefix(linePrefix) else { throw .badKey(reason: "it does not start with \(linePrefix)") }
        guard let raw = Base64URL.decode(String(t.dropFirst(linePrefix.count))) else {
            throw .badKey(reason: "it contains characters that are not base64url")
        }
        guard raw.count == 68 else { throw .badKey(reason: "wrong length (\(raw.count) bytes, expected 68)") }
        let body = Array(raw[0..<64])
        guard checksum(body) == Array(raw[64..<68]) else { throw .badKey(reason: "checksum mismatch: a character was mistyped or lost") }
        return try PeerKey(agreement: Array(body[0..<32]), signing: Array(body[32..<64]))
    }
}

/// This store's sync identity: the private halves. Kept only inside the encrypted store
/// (as a store-local value that never syncs).
public struct SyncIdentity: Sendable {
    public let agreementKey: Curve25519.KeyAgreement.PrivateKey
    public let signingKey: Curve25519.Signing.PrivateKey

    /// A fresh identity from the system's secure random generator.
    public init() {
        agreementKey = Curve25519.KeyAgreement.PrivateKey()
        signingKey = Curve25519.Signing.PrivateKey()
    }

    public init(agreementKey: Curve25519.KeyAgreement.PrivateKey, signingKey: Curve25519.Signing.PrivateKey) {
        self.agreementKey = agreementKey
        self.signingKey = signingKey
    }

    public var publicKey: PeerKey {
        // Both come from valid private keys: the checks in PeerKey.init cannot fail.
        try! PeerKey(agreement: Array(agreementKey.publicKey.rawRepresentation),
                     signing: Array(signingKey.publicKey.rawRepresentation))
    }

    /// The line to give to peers (`senim sync identity`).
    public var publicLine: String { publicKey.publicLine }

    /// Parses a peer's line (same as `PeerKey.parse`).
    public static func parsePublicLine(_ line: String) throws(SyncError) -> PeerKey { try PeerKey.parse(line) }

    static let storedMagic = Array("SID1".utf8)

    /// 68 bytes: "SID1" ‖ X25519 private ‖ Ed25519 private (seed).
    public var serialized: [UInt8] {
        Self.storedMagic + Array(agreementKey.rawRepresentation) + Array(signingKey.rawRepresentation)
    }

    public init(serialized b: [UInt8]) throws(SyncError) {
        guard b.count == 68, Array(b[0..<4]) == Self.storedMagic,
              let a = try? Curve25519.KeyAgreement.PrivateKey(rawRepresentation: b[4..<36]),
              let s = try? Curve25519.Signing.PrivateKey(rawRepresentation: b[36..<68]) else {
            throw .corruptMetadata(key: "sync.identity")
        }
        self.init(agreementKey: a, signingKey: s)
    }
}

/// RFC 4648 §5 base64url without padding; strict on decode.
enum Base64URL {
    static func encode(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ text: String) -> [UInt8]? {
        guard text.utf8.allSatisfy({ c in
            (65...90).contains(c) || (97...122).contains(c) || (48...57).contains(c) || c == 45 || c == 95
        }) else { return nil }
        var s = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        guard s.count % 4 != 1 else { return nil }
        while s.count % 4 != 0 { s += "=" }
        return Data(base64Encoded: s).map { Array($0) }
    }
}
