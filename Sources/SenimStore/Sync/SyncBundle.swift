#if canImport(Glibc)
import Glibc
#endif
import Crypto
import Foundation
import SenimCore

/// What a bundle carries besides its envelope.
public struct BundleContents: Sendable, Equatable {
    /// 16 random bytes naming this bundle (replay detection).
    public var bundleID: [UInt8]
    /// 1, 2, 3… per (sender, recipient) pair.
    public var sequence: UInt64
    /// The highest sequence number of the recipient's bundles the sender had imported (0: none).
    public var acknowledged: UInt64
    /// When the sender made the bundle (its clock).
    public var createdAt: Timestamp
    /// The sender store's trust point.
    public var site: String
    /// What the sender holds, in total (not only what this bundle carries).
    public var holdings: Holdings
    public var events: [Event]

    public init(bundleID: [UInt8], sequence: UInt64, acknowledged: UInt64, createdAt: Timestamp, site: String,
                holdings: Holdings, events: [Event]) {
        self.bundleID = bundleID
        self.sequence = sequence
        self.acknowledged = acknowledged
        self.createdAt = createdAt
        self.site = site
        self.holdings = holdings
        self.events = events
    }
}

/// A bundle that passed every check: from a trusted sender, for this store, intact.
public struct OpenedBundle: Sendable {
    /// The sender's name in this store's trust list.
    public var sender: String
    public var senderKey: PeerKey
    public var contents: BundleContents
}

/// The sync bundle file format (envelope v1). Byte-level description in docs/sync.md.
///
///     header (128 bytes)  ephemeral X25519 key (32) · wrapped file key (48) ·
///                         payload nonce (16) · header MAC (32)
///     payload             ChaCha20-Poly1305 chunks of 64 KiB plaintext, nonce = 11-byte
///                         big-endian counter ‖ final flag; the last chunk has flag 1
///
/// There is no plaintext magic or version: without the recipient's key the file is
/// indistinguishable from random bytes of its length. The payload's plaintext starts with a
/// format version, the sender's public keys and an Ed25519 signature over the header and a
/// hash of the rest, so nothing, not even who sent it, is readable without the recipient's key.
public enum SyncBundle {
    public static let headerSize = 128
    public static let chunkSize = 65_536
    static let tagSize = 16
    static let sealedChunkSize = chunkSize + tagSize
    static let innerVersion: UInt8 = 1
    /// Events larger than this are refused (a confidential note is at most 1 MiB).
    static let maxEventSize = 2 << 20
    static let maxEvents = 50_000_000

    static let wrapInfo = Array("senim-sync/v1 wrap".utf8)
    static let headerInfo = Array("senim-sync/v1 header".utf8)
    static let payloadInfo = Array("senim-sync/v1 payload".utf8)
    static let signatureLabel = Array("senim-sync/v1 signature".utf8) + [0]

    // MARK: Sealing

    /// Encrypts `contents` to `recipient` and signs it with `sender`'s Ed25519 key.
    public static func seal(_ contents: BundleContents, sender: SyncIdentity, recipient: PeerKey) throws(SyncError) -> [UInt8] {
        var w = BinaryWriter(capacity: 256 + contents.events.count * 96)
        encodeBody(contents, recipient: recipient, into: &w)
        return try sealBody(w.bytes, senderKey: sender.publicKey, signer: .key(sender), recipient: recipient)
    }

    /// Convenience for callers that only have events.
    public static func seal(events: [Event], sender: SyncIdentity, recipient: PeerKey, sequence: UInt64 = 1,
                            acknowledged: UInt64 = 0, createdAt: Timestamp = 0, site: String = "") throws(SyncError) -> [UInt8] {
        try seal(BundleContents(bundleID: randomBytes(16), sequence: sequence, acknowledged: acknowledged, createdAt: createdAt,
                                site: site, holdings: Holdings(events: events), events: events),
                 sender: sender, recipient: recipient)
    }

    /// How the body is signed. `.none` and `.forged` exist for tests of refusal.
    enum Signer {
        case key(SyncIdentity)
        case none
        case forged([UInt8])
    }

    static func encodeBody(_ c: BundleContents, recipient: PeerKey, into w: inout BinaryWriter) {
        encodeHead(c, eventCount: c.events.count, recipient: recipient, into: &w)
        var ew = BinaryWriter(capacity: 256)
        for e in c.events { encodeEvent(e, scratch: &ew, into: &w) }
    }

    /// The body up to and including the event count (`c.events` is not read): what comes
    /// before the events, in one place for the in-memory and the streamed seal.
    static func encodeHead(_ c: BundleContents, eventCount: Int, recipient: PeerKey, into w: inout BinaryWriter) {
        w.bytes.append(contentsOf: recipient.agreement)
        w.bytes.append(contentsOf: c.bundleID.count == 16 ? c.bundleID : Array(c.bundleID.prefix(16)) + Array(repeating: 0, count: max(0, 16 - c.bundleID.count)))
        w.varint(c.sequence)
        w.varint(c.acknowledged)
        w.int(c.createdAt)
        w.string(c.site)
        c.holdings.encode(into: &w)
        w.varint(UInt64(eventCount))
    }

    /// One event of the body: its `EventCodec` bytes as a length-prefixed blob.
    static func encodeEvent(_ e: Event, scratch ew: inout BinaryWriter, into w: inout BinaryWriter) {
        ew.bytes.removeAll(keepingCapacity: true)
        EventCodec.encode(e, into: &ew)
        w.blob(ew.bytes)
    }

    /// The outer layer of a new bundle for `recipient`: the 128-byte header (fresh ephemeral
    /// key, wrapped fresh file key, payload nonce, MAC) and the key the payload is sealed under.
    static func envelope(recipient: PeerKey) throws -> (header: [UInt8], payloadKey: SymmetricKey) {
        let recipientKey = try Curve25519.KeyAgreement.PublicKey(rawRepresentation: recipient.agreement)
        let ephemeral = Curve25519.KeyAgreement.PrivateKey()
        var ephemeralPublic = Array(ephemeral.publicKey.rawRepresentation)
        // X25519 ignores the top bit of a public key (RFC 7748 §5); a random one keeps the
        // file from showing an always-clear bit.
        ephemeralPublic[31] |= randomBytes(1)[0] & 0x80
        let shared = try ephemeral.sharedSecretFromKeyAgreement(with: recipientKey)
        let wrapKey = shared.hkdfDerivedSymmetricKey(using: SHA256.self, salt: ephemeralPublic + recipient.agreement,
                                                     sharedInfo: wrapInfo, outputByteCount: 32)
        let fileKey = SymmetricKey(size: .bits256)
        var header = ephemeralPublic
        let wrapped = try ChaChaPoly.seal(fileKey.withUnsafeBytes { Array($0) }, using: wrapKey,
                                          nonce: ChaChaPoly.Nonce(data: [UInt8](repeating: 0, count: 12)),
                                          authenticating: header)
        header += Array(wrapped.ciphertext) + Array(wrapped.tag)
        let payloadNonce = randomBytes(16)
        header += payloadNonce
        let mac = HMAC<SHA256>.authenticationCode(for: header, using: headerKey(fileKey))
        header += Array(mac)
        precondition(header.count == headerSize)
        return (header, payloadKey(fileKey, nonce: payloadNonce))
    }

    /// The plaintext's start: version, sender keys, then the signature block over the header,
    /// that prefix and the body's SHA-256 (`bodyDigest`).
    static func plaintextStart(header: [UInt8], senderKey: PeerKey, signer: Signer, bodyDigest: [UInt8]) throws -> [UInt8] {
        let prefix = [innerVersion] + senderKey.agreement + senderKey.signing
        var plain = prefix
        switch signer {
        case .key(let id):
            plain.append(1)
            plain += Array(try id.signingKey.signature(for: signedMessage(header: header, bodyDigest: bodyDigest)))
        case .none:
            plain.append(0)
        case .forged(let sig):
            plain.append(1)
            plain += sig
        }
        return plain
    }

    /// The SHA-256 of the sender prefix and the body, fed piece by piece.
    static func bodyHasher(senderKey: PeerKey) -> SHA256 {
        var h = SHA256()
        h.update(data: [innerVersion] + senderKey.agreement + senderKey.signing)
        return h
    }

    /// Seals the plaintext into 64 KiB chunks as it arrives, holding at most two chunks: a
    /// full chunk is sealed (not final) only once more plaintext follows it, so the last
    /// chunk — full or not — is the one sealed with the final flag, exactly as when the whole
    /// plaintext is at hand.
    struct PayloadSealer {
        let key: SymmetricKey
        private var buffer: [UInt8] = []
        private var counter: UInt64 = 0
        private(set) var written = 0

        init(key: SymmetricKey) {
            self.key = key
            buffer.reserveCapacity(2 * chunkSize)
        }

        mutating func add(_ bytes: [UInt8], _ sink: ([UInt8]) throws -> Void) throws {
            buffer.append(contentsOf: bytes)
            while buffer.count > chunkSize {
                try seal(buffer[0..<chunkSize], final: false, sink)
                buffer.removeFirst(chunkSize)
            }
        }

        mutating func finish(_ sink: ([UInt8]) throws -> Void) throws {
            try seal(buffer[...], final: true, sink)
            buffer.removeAll()
        }

        private mutating func seal(_ piece: ArraySlice<UInt8>, final: Bool, _ sink: ([UInt8]) throws -> Void) throws {
            let box = try ChaChaPoly.seal(piece, using: key, nonce: chunkNonce(counter, final: final))
            let sealed = Array(box.ciphertext) + Array(box.tag)
            counter += 1
            written += sealed.count
            try sink(sealed)
        }
    }

    /// Builds header, signature and encrypted payload around an already encoded body.
    static func sealBody(_ body: [UInt8], senderKey: PeerKey, signer: Signer, recipient: PeerKey) throws(SyncError) -> [UInt8] {
        do {
            let (header, key) = try envelope(recipient: recipient)
            var h = bodyHasher(senderKey: senderKey)
            h.update(data: body)
            let start = try plaintextStart(header: header, senderKey: senderKey, signer: signer, bodyDigest: Array(h.finalize()))
            var out = header
            out.reserveCapacity(header.count + start.count + body.count + ((start.count + body.count) / chunkSize + 1) * tagSize)
            var sealer = PayloadSealer(key: key)
            try sealer.add(start) { out += $0 }
            try sealer.add(body) { out += $0 }
            try sealer.finish { out += $0 }
            return out
        } catch let e as SyncError {
            throw e
        } catch {
            throw .crypto(String(describing: error))
        }
    }

    /// Seals a bundle whose events are produced by `events` rather than held: `events` is
    /// called twice and must hand over the same `eventCount` events in the same order both
    /// times — first to hash the body for the signature (which precedes the body), then to
    /// encrypt it into `sink` 64 KiB at a time. The bytes are those `seal` makes of the same
    /// contents. Memory: two payload chunks and one event, whatever the number of events.
    /// `head.events` is not read. Throws `.store` when the second pass differs from the first
    /// (the caller discards what `sink` received); errors of `events` and `sink` pass through.
    /// Returns the bundle's size in bytes.
    static func sealStreamed(head: BundleContents, eventCount: Int, events: (_ emit: (Event) throws -> Void) throws -> Void,
                             sender: SyncIdentity, recipient: PeerKey, sink: ([UInt8]) throws -> Void) throws -> Int {
        let flushAt = chunkSize
        var w = BinaryWriter(capacity: flushAt + 4096)
        var ew = BinaryWriter(capacity: 256)
        encodeHead(head, eventCount: eventCount, recipient: recipient, into: &w)
        let headBytes = w.bytes

        // Pass 1: the body's hash, for the signature.
        var hasher = bodyHasher(senderKey: sender.publicKey)
        hasher.update(data: headBytes)
        w.bytes.removeAll(keepingCapacity: true)
        var counted = 0
        try events { e in
            counted += 1
            encodeEvent(e, scratch: &ew, into: &w)
            if w.bytes.count >= flushAt { hasher.update(data: w.bytes); w.bytes.removeAll(keepingCapacity: true) }
        }
        hasher.update(data: w.bytes)
        guard counted == eventCount else { throw SyncError.store("the store's events changed while the bundle was made") }
        let digest = Array(hasher.finalize())

        // Pass 2: the same body, sealed as it is produced (and hashed again to prove it is the same).
        let header: [UInt8], key: SymmetricKey, start: [UInt8]
        do {
            (header, key) = try envelope(recipient: recipient)
            start = try plaintextStart(header: header, senderKey: sender.publicKey, signer: .key(sender), bodyDigest: digest)
        } catch {
            throw SyncError.crypto(String(describing: error))
        }
        // `sink` is only called from inside `events`, never kept.
        return try withoutActuallyEscaping(sink) { sink in
            try sink(header)
            var sealer = PayloadSealer(key: key)
            try sealer.add(start, sink)
            var again = bodyHasher(senderKey: sender.publicKey)
            again.update(data: headBytes)
            try sealer.add(headBytes, sink)
            w.bytes.removeAll(keepingCapacity: true)
            counted = 0
            try events { e in
                counted += 1
                encodeEvent(e, scratch: &ew, into: &w)
                if w.bytes.count >= flushAt {
                    again.update(data: w.bytes)
                    try sealer.add(w.bytes, sink)
                    w.bytes.removeAll(keepingCapacity: true)
                }
            }
            again.update(data: w.bytes)
            try sealer.add(w.bytes, sink)
            guard counted == eventCount, Array(again.finalize()) == digest else {
                throw SyncError.store("the store's events changed while the bundle was made")
            }
            try sealer.finish(sink)
            return header.count + sealer.written
        }
    }

    static func signedMessage(header: [UInt8], prefix: [UInt8], body: [UInt8]) -> [UInt8] {
        var h = SHA256()
        h.update(data: prefix)
        h.update(data: body)
        return signedMessage(header: header, bodyDigest: Array(h.finalize()))
    }

    /// What the sender signs: a label, the header and SHA-256(prefix ‖ body).
    static func signedMessage(header: [UInt8], bodyDigest: [UInt8]) -> [UInt8] {
        signatureLabel + header + bodyDigest
    }

    static func headerKey(_ fileKey: SymmetricKey) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: fileKey, salt: [UInt8](), info: headerInfo, outputByteCount: 32)
    }

    static func payloadKey(_ fileKey: SymmetricKey, nonce: [UInt8]) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: fileKey, salt: nonce, info: payloadInfo, outputByteCount: 32)
    }

    static func chunkNonce(_ counter: UInt64, final: Bool) -> ChaChaPoly.Nonce {
        var n = [UInt8](repeating: 0, count: 12)
        for i in 0..<8 { n[10 - i] = UInt8(truncatingIfNeeded: counter >> (8 * UInt64(i))) }
        n[11] = final ? 1 : 0
        return try! ChaChaPoly.Nonce(data: n)
    }

    static func randomBytes(_ n: Int) -> [UInt8] {
        var g = SystemRandomNumberGenerator()
        return (0..<n).map { _ in UInt8.random(in: 0...255, using: &g) }
    }

    // MARK: Opening

    /// Checks and decrypts a bundle. Refuses it whole (throws) if it is not a bundle, is cut
    /// short, altered, not for `recipient`, unsigned, or signed by a key not in `trusted`.
    /// `progress(done, total)` reports bytes authenticated so far.
    public static func open(_ bytes: [UInt8], recipient: SyncIdentity, trusted: [String: PeerKey],
                            progress: ((Int, Int) -> Void)? = nil) throws(SyncError) -> OpenedBundle {
        let (plain, header) = try decrypt(bytes, recipient: recipient, progress: progress)
        return try parsePlaintext(plain, header: header, recipient: recipient, trusted: trusted)
    }

    /// The largest bundle file `open(file:)` reads.
    public static let maxFileSize = 1 << 31

    /// Checks and decrypts a bundle file read chunk by chunk: a file that is not a bundle for
    /// this store is refused after its 128-byte header, one from an untrusted or own key after
    /// its first chunk, a damaged one at the first damaged chunk, whatever the file's size.
    public static func open(file path: String, recipient: SyncIdentity, trusted: [String: PeerKey],
                            maxSize: Int = maxFileSize, progress: ((Int, Int) -> Void)? = nil) throws(SyncError) -> OpenedBundle {
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .unreadable(path: path) }
        defer { Glibc.close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { throw .unreadable(path: path) }
        let size = Int(st.st_size)
        guard size <= maxSize else { throw .tooLarge(limit: maxSize) }
        let read = { (offset: Int, count: Int) throws(SyncError) -> [UInt8] in
            var out = [UInt8](repeating: 0, count: count)
            var got = 0
            while got < count {
                let n = out.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + got, count - got, off_t(offset + got)) }
                if n < 0 { if errno == EINTR { continue }; throw SyncError.unreadable(path: path) }
                if n == 0 { throw SyncError.truncated }
                got += n
            }
            return out
        }
        let (plain, header) = try decrypt(size: size, read: read, recipient: recipient, trusted: trusted, progress: progress)
        return try parsePlaintext(plain, header: header, recipient: recipient, trusted: trusted)
    }

    /// Header checks and stream decryption. Returns the plaintext and the header bytes.
    static func decrypt(_ bytes: [UInt8], recipient: SyncIdentity,
                        progress: ((Int, Int) -> Void)?) throws(SyncError) -> ([UInt8], [UInt8]) {
        try decrypt(size: bytes.count, read: { o, n in Array(bytes[o..<(o + n)]) }, recipient: recipient, trusted: nil,
                    progress: progress)
    }

    /// The same, reading `size` bytes through `read(offset, count)`. With `trusted`, the
    /// sender's key (the first 65 plaintext bytes) is checked as soon as the first chunk is open.
    static func decrypt(size: Int, read: (Int, Int) throws(SyncError) -> [UInt8], recipient: SyncIdentity,
                        trusted: [String: PeerKey]?,
                        progress: ((Int, Int) -> Void)?) throws(SyncError) -> ([UInt8], [UInt8]) {
        guard size >= headerSize else { throw .tooShort }
        let header = try read(0, headerSize)
        let ephemeralPublic = Array(header[0..<32])
        let fileKey: SymmetricKey
        do {
            let eph = try Curve25519.KeyAgreement.PublicKey(rawRepresentation: ephemeralPublic)
            let shared = try recipient.agreementKey.sharedSecretFromKeyAgreement(with: eph)
            // A low-order ephemeral key gives an all-zero secret: refuse it like any bad key.
            guard shared.withUnsafeBytes({ $0.contains { $0 != 0 } }) else { throw SyncError.notForThisStore }
            let wrapKey = shared.hkdfDerivedSymmetricKey(using: SHA256.self,
                                                         salt: ephemeralPublic + recipient.publicKey.agreement,
                                                         sharedInfo: wrapInfo, outputByteCount: 32)
            let box = try ChaChaPoly.SealedBox(nonce: ChaChaPoly.Nonce(data: [UInt8](repeating: 0, count: 12)),
                                               ciphertext: header[32..<64], tag: header[64..<80])
            fileKey = SymmetricKey(data: try ChaChaPoly.open(box, using: wrapKey, authenticating: header[0..<32]))
        } catch {
            throw .notForThisStore
        }
        guard HMAC<SHA256>.isValidAuthenticationCode(header[96..<128], authenticating: header[0..<96],
                                                     using: headerKey(fileKey)) else {
            throw .headerDamaged
        }
        let key = payloadKey(fileKey, nonce: Array(header[80..<96]))
        let payload = size - headerSize
        guard payload > 0 else { throw .truncated }
        let chunks = (payload + sealedChunkSize - 1) / sealedChunkSize
        var plain: [UInt8] = []
        var offset = headerSize
        var senderChecked = trusted == nil
        for i in 0..<chunks {
            let end = min(offset + sealedChunkSize, size)
            let last = i == chunks - 1
            let piece = try read(offset, end - offset)[...]
            if let p = openChunk(piece, key: key, counter: UInt64(i), final: last) {
                if last && p.isEmpty && i > 0 { throw .malformed("empty final chunk") }
                plain += p
            } else if openChunk(piece, key: key, counter: UInt64(i), final: !last) != nil {
                // A final chunk before the end: data was appended. A non-final chunk at the
                // end: the file was cut at a chunk boundary.
                throw last ? .truncated : .trailingData
            } else {
                throw .chunkDamaged(chunk: i)
            }
            offset = end
            if !senderChecked, let trusted, plain.count >= 65 {
                // Who signed is only proven at the end, but an untrusted or own key is refused now.
                senderChecked = true
                if let k = try? PeerKey(agreement: Array(plain[1..<33]), signing: Array(plain[33..<65])) {
                    if k == recipient.publicKey { throw .fromSelf }
                    guard trusted.values.contains(k) else { throw .untrustedSender(fingerprint: k.fingerprint) }
                }
            }
            progress?(offset, size)
        }
        return (plain, header)
    }

    static func openChunk(_ piece: ArraySlice<UInt8>, key: SymmetricKey, counter: UInt64, final: Bool) -> [UInt8]? {
        guard piece.count >= tagSize else { return nil }
        let split = piece.endIndex - tagSize
        guard let box = try? ChaChaPoly.SealedBox(nonce: chunkNonce(counter, final: final),
                                                  ciphertext: piece[piece.startIndex..<split], tag: piece[split...]),
              let p = try? ChaChaPoly.open(box, using: key) else { return nil }
        return Array(p)
    }

    /// Reads the decrypted plaintext: sender keys, signature (checked before anything else is
    /// read), then the body. Internal so the fuzz tests can reach it directly.
    static func parsePlaintext(_ plain: [UInt8], header: [UInt8], recipient: SyncIdentity,
                               trusted: [String: PeerKey]) throws(SyncError) -> OpenedBundle {
        guard plain.count >= 66 else { throw .malformed("the sender block is incomplete") }
        guard plain[0] == innerVersion else { throw .unsupportedVersion(Int(plain[0])) }
        let senderKey: PeerKey
        do { senderKey = try PeerKey(agreement: Array(plain[1..<33]), signing: Array(plain[33..<65])) } catch {
            throw .malformed("the sender key is not valid")
        }
        let bodyStart: Int
        switch plain[65] {
        case 0: throw .unsigned
        case 1:
            guard plain.count >= 130 else { throw .malformed("the signature is incomplete") }
            bodyStart = 130
        case let k: throw .malformed("unknown signature kind \(k)")
        }
        let signature = plain[66..<130]
        let body = Array(plain[bodyStart...])
        let message = signedMessage(header: header, prefix: Array(plain[0..<65]), body: body)
        guard let pub = try? Curve25519.Signing.PublicKey(rawRepresentation: senderKey.signing),
              pub.isValidSignature(signature, for: message) else {
            throw .badSignature
        }
        if senderKey == recipient.publicKey { throw .fromSelf }
        guard let name = trusted.first(where: { $0.value == senderKey })?.key else {
            throw .untrustedSender(fingerprint: senderKey.fingerprint)
        }
        let contents = try decodeBody(body, recipient: recipient.publicKey)
        return OpenedBundle(sender: name, senderKey: senderKey, contents: contents)
    }

    /// Decodes an authenticated body. Never traps on any input.
    static func decodeBody(_ body: [UInt8], recipient: PeerKey) throws(SyncError) -> BundleContents {
        let result: Result<BundleContents, SyncError> = body.withUnsafeBytes { raw in
                var r = BinaryReader(raw)
                do {
                    guard r.remaining >= 48 else { throw CodecError.truncated }
                    let to = Array(raw[0..<32])
                    // Signed inside: a bundle re-wrapped for another store still names its first recipient.
                    guard to == recipient.agreement else { throw SyncError.notForThisStore }
                    let bundleID = Array(raw[32..<48])
                    r.offset = 48
                    let sequence = try r.varint()
                    let acknowledged = try r.varint()
                    let createdAt = try r.int()
                    let site = try r.string("site", max: 256)
                    let holdings = try Holdings.decode(from: &r)
                    let n = try r.varint()
                    // An event takes more than 30 bytes: a larger count cannot be honest.
                    guard n <= UInt64(maxEvents), n <= UInt64(r.remaining / 30) else {
                        throw CodecError.tooLarge(field: "events", size: Int(truncatingIfNeeded: n))
                    }
                    var events: [Event] = []
                    events.reserveCapacity(Int(n))
                    var ids = Set<EventID>(minimumCapacity: Int(n))
                    for i in 0..<Int(n) {
                        let len = try r.length("event", max: maxEventSize)
                        var sub = BinaryReader(UnsafeRawBufferPointer(rebasing: raw[r.offset..<r.offset + len]))
                        let e: Event
                        do {
                            e = try EventCodec.decode(from: &sub)
                            guard sub.remaining == 0 else { throw CodecError.trailingBytes(sub.remaining) }
                        } catch {
                            throw SyncError.malformed("event \(i + 1): \(error)")
                        }
                        r.offset += len
                        guard ids.insert(e.id).inserted else { throw SyncError.malformed("event \(e.id) appears twice") }
                        events.append(e)
                    }
                    guard r.remaining == 0 else { throw CodecError.trailingBytes(r.remaining) }
                    return .success(BundleContents(bundleID: bundleID, sequence: sequence, acknowledged: acknowledged,
                                                   createdAt: createdAt, site: site, holdings: holdings, events: events))
                } catch let e as SyncError {
                    return .failure(e)
                } catch let e as CodecError {
                    return .failure(.malformed(e.description))
                } catch {
                    return .failure(.malformed(String(describing: error)))
                }
        }
        return try result.get()
    }
}
