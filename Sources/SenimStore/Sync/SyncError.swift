import SenimCore

/// Why a sync operation was refused. Every case leaves the store unchanged.
///
/// `description` is for logs and tests (English); `message` is what the CLI and the TUI show,
/// through `Config/locales/*/sync.json`.
public enum SyncError: UserFacingError, Equatable, Sendable, CustomStringConvertible {
    // The file itself.
    /// The file is shorter than a bundle header: not a bundle, or cut short.
    case tooShort
    /// A bundle format this version of Senim does not read (the version is inside the
    /// encrypted payload).
    case unsupportedVersion(Int)
    /// The file ends before the bundle does (cut short while copying, or a partial download).
    case truncated
    /// Bytes follow the bundle's final chunk.
    case trailingData
    /// The header's authentication code does not match: the header was altered or damaged.
    case headerDamaged
    /// Chunk `chunk` (counting from 0) failed authentication: altered or damaged.
    case chunkDamaged(chunk: Int)
    /// The file key cannot be unwrapped with this store's key: the bundle was made for another
    /// store, its key header is damaged, or the file is not a bundle at all (bundles carry no
    /// plaintext marker, so these cannot be told apart).
    case notForThisStore
    /// The bundle file cannot be opened or read.
    case unreadable(path: String)
    /// The bundle file is larger than the largest bundle Senim reads.
    case tooLarge(limit: Int)
    /// An event in an authentic bundle fails the checks a locally typed event passes (its
    /// kind, the field and why). The whole bundle is refused.
    case invalidEvent(kind: String, field: String, reason: String)
    /// An event whose author, by the roles the bundle's stores recorded, may not author its kind.
    case wrongAuthor(kind: String, author: String, role: String)
    // The sender.
    /// The bundle carries no signature.
    case unsigned
    /// The signature does not verify: the content or the header was changed after signing.
    case badSignature
    /// Signed by a key that is not in this store's trust list (fingerprint given).
    case untrustedSender(fingerprint: String)
    /// Signed by this store itself.
    case fromSelf
    /// Bundle `sequence` from `peer` was imported before.
    case alreadyImported(peer: String, sequence: UInt64)
    /// Authenticated, but the content does not decode (a bug or an incompatible sender).
    case malformed(String)
    /// An event in the bundle carries an IIN, a phone number or an e-mail address in a free-text
    /// field (a device that skipped the privacy guard). The whole bundle is refused.
    case identifyingText(event: String, finding: String)
    // Keys and peers.
    /// A public key line that cannot be read (`reason` says what is wrong).
    case badKey(reason: String)
    /// The key line is this store's own key.
    case ownKey
    case badPeerName(String)
    case unknownPeer(name: String, known: [String])
    /// `name` is already trusted with a different key (untrust it first).
    case peerExists(name: String)
    /// This key is already trusted under another name.
    case keyAlreadyTrusted(name: String)
    /// The store's sync metadata does not decode.
    case corruptMetadata(key: String)
    /// The user's role may not do this.
    case denied(role: Role, action: Action)
    /// Signing (and opening bundles) needs the store's sync identity, which is sealed to its
    /// coordinators only: a worker or psychologist cannot export, whatever their build.
    case coordinatorsOnly
    /// A coordinator whose account holds no seal of the identity (added or reset by a
    /// coordinator who could not sign).
    case noSyncGrant
    /// The store refused a read or a write (its own error, described).
    case store(String)
    /// The bundle could not be written out (the writer's error, described); nothing was recorded.
    case writeFailed(String)
    /// The crypto library failed where it should not (described).
    case crypto(String)

    public var description: String {
        switch self {
        case .tooShort: "the file is too short to be a sync bundle"
        case .unsupportedVersion(let v): "bundle format version \(v) is not supported"
        case .truncated: "the bundle is truncated"
        case .trailingData: "unexpected data after the end of the bundle"
        case .headerDamaged: "the bundle header was altered or damaged"
        case .chunkDamaged(let i): "chunk \(i) of the bundle was altered or damaged"
        case .notForThisStore: "not a sync bundle for this store (made for another store, damaged, or not a bundle)"
        case .unreadable(let p): "cannot read the bundle file \(p)"
        case .tooLarge(let l): "the file is larger than \(l) bytes: not a Senim bundle"
        case .invalidEvent(let k, let f, let r): "a \(k) event in the bundle has an invalid \(f): \(r); nothing was imported"
        case .wrongAuthor(let k, let a, let r): "a \(k) event in the bundle is authored by \(a), a \(r), who may not make it; nothing was imported"
        case .unsigned: "the bundle is not signed"
        case .badSignature: "the bundle's signature does not verify"
        case .untrustedSender(let f): "the bundle was signed by an untrusted key (\(f))"
        case .fromSelf: "the bundle was made by this store"
        case .alreadyImported(let p, let s): "bundle #\(s) from \(p) was already imported"
        case .malformed(let why): "the bundle content is malformed: \(why)"
        case .identifyingText(let e, let f): "event \(e) in the bundle contains identifying text (\(f)); nothing was imported"
        case .badKey(let why): "not a valid Senim public key: \(why)"
        case .ownKey: "this is this store's own key"
        case .badPeerName(let n): "'\(n)' is not a valid peer name"
        case .unknownPeer(let n, let known): "no trusted peer named '\(n)' (known: \(known.joined(separator: ", ")))"
        case .peerExists(let n): "a peer named '\(n)' is already trusted with another key"
        case .keyAlreadyTrusted(let n): "this key is already trusted as '\(n)'"
        case .corruptMetadata(let k): "sync metadata '\(k)' is damaged"
        case .denied(let r, let a): "a \(r.rawValue) may not do this (\(a.rawValue))"
        case .coordinatorsOnly: "only a coordinator can sign sync bundles: the sync identity is sealed to coordinators"
        case .noSyncGrant: "this store's sync identity is not sealed to this coordinator's account"
        case .store(let why): "the store refused: \(why)"
        case .crypto(let why): "a cryptographic operation failed: \(why)"
        case .writeFailed(let why): "the bundle could not be written: \(why)"
        }
    }

    /// The localised message (keys in `sync.json`).
    public var message: Message {
        switch self {
        case .tooShort: Message("sync.error.tooShort")
        case .unsupportedVersion(let v): Message("sync.error.version", String(v))
        case .truncated: Message("sync.error.truncated")
        case .trailingData: Message("sync.error.trailing")
        case .headerDamaged: Message("sync.error.header")
        case .chunkDamaged(let i): Message("sync.error.chunk", String(i))
        case .notForThisStore: Message("sync.error.recipient")
        case .unreadable(let p): Message("sync.error.unreadable", p)
        case .tooLarge(let l): Message("sync.error.tooLarge", String(l))
        case .invalidEvent(let k, let f, let r): Message("sync.error.invalidEvent", k, f, r)
        case .wrongAuthor(let k, let a, let r): Message("sync.error.wrongAuthor", k, a, r)
        case .unsigned: Message("sync.error.unsigned")
        case .badSignature: Message("sync.error.signature")
        case .untrustedSender(let f): Message("sync.error.untrusted", f)
        case .fromSelf: Message("sync.error.self")
        case .alreadyImported(let p, let s): Message("sync.error.replay", String(s), p)
        case .malformed(let why): Message("sync.error.malformed", why)
        case .identifyingText(let e, let f): Message("sync.error.identifying", e, f)
        case .badKey(let why): Message("sync.error.key", why)
        case .ownKey: Message("sync.error.ownKey")
        case .badPeerName(let n): Message("sync.error.peerName", String(PrivacyGuard.echo(n).prefix(40)))
        case .unknownPeer(let n, let known):
            Message("sync.error.unknownPeer", PrivacyGuard.echo(n), known.isEmpty ? "—" : known.joined(separator: ", "))
        case .peerExists(let n): Message("sync.error.peerExists", n)
        case .keyAlreadyTrusted(let n): Message("sync.error.keyTrusted", n)
        case .corruptMetadata(let k): Message("sync.error.metadata", k)
        case .denied(let r, let a): Message("policy.denied", r.rawValue, a.rawValue)
        case .coordinatorsOnly: Message("sync.error.coordinatorsOnly")
        case .noSyncGrant: Message("sync.error.noGrant")
        case .store(let why): Message("sync.error.store", why)
        case .crypto(let why): Message("sync.error.crypto", why)
        case .writeFailed(let why): Message("sync.error.write", why)
        }
    }
}

extension SyncError {
    /// What kind of failure this is (the CLI's exit code).
    public var category: FailureCategory {
        switch self {
        case .denied, .coordinatorsOnly, .noSyncGrant: .noPermission
        case .unreadable: .noInput
        case .store, .writeFailed, .corruptMetadata, .crypto: .ioError
        default: .refused
        }
    }
}
