import SenimCore
@testable import SenimStore
import Testing
import SenimTestSupport

/// Every damaged, forged or misdirected bundle is refused whole, with the right error, and
/// the receiving store (events, ledger, sync metadata) is left exactly as it was.
@Suite struct SyncBundleFaultTests {
    let peers: SyncPeers
    let bundle: [UInt8]
    var chunkCount: Int { (bundle.count - SyncBundle.headerSize + SyncBundle.sealedChunkSize - 1) / SyncBundle.sealedChunkSize }

    init() throws {
        let world = SyncWorld.generate(seed: 99, count: 3_500)
        peers = SyncPeers([("a", "almaty-central", world), ("b", "temirtau", []), ("c", "almaty-mobile", [])])
        bundle = try peers["a"].export(to: "b", mode: .all).bytes
    }

    /// Imports into b; returns the error, after checking that b did not change.
    func refusal(_ bytes: [UInt8], into name: String = "b", sourceLocation: SourceLocation = #_sourceLocation) -> SyncError? {
        let store = peers.store(name)
        let before = store.snapshot
        defer { #expect(store.snapshot == before, "the store changed", sourceLocation: sourceLocation) }
        do {
            _ = try peers[name].importBundle(bytes)
            return nil
        } catch {
            return error
        }
    }

    var recipient: SyncIdentity { try! peers["b"].identity() }
    var trustedAtB: [String: PeerKey] { Dictionary(uniqueKeysWithValues: try! peers["b"].trustList().map { ($0.name, $0.key) }) }

    func openError(_ bytes: [UInt8]) -> SyncError? {
        do { _ = try SyncBundle.open(bytes, recipient: recipient, trusted: trustedAtB); return nil } catch { return error }
    }

    @Test("The intact bundle has several chunks and imports")
    func intact() throws {
        #expect(chunkCount >= 4)
        let s = try peers["b"].importBundle(bundle)
        #expect(s.peer == "a" && s.eventsNew == 3_500 && s.sequence == 1)
    }

    @Test("A replayed bundle is refused and changes nothing")
    func replay() throws {
        _ = try peers["b"].importBundle(bundle)
        #expect(refusal(bundle) == .alreadyImported(peer: "a", sequence: 1))
    }

    @Test("Truncated at every chunk boundary, inside the header and mid-chunk: refused")
    func truncated() {
        for k in 0..<chunkCount {
            let cut = SyncBundle.headerSize + k * SyncBundle.sealedChunkSize
            #expect(refusal(Array(bundle.prefix(cut))) == .truncated, "cut after \(k) chunks")
        }
        for n in 0..<SyncBundle.headerSize {
            #expect(openError(Array(bundle.prefix(n))) == .tooShort, "cut at \(n)")
        }
        var g = SplitMix(seed: 5)
        for _ in 0..<40 {
            let cut = SyncBundle.headerSize + 1 + Int(g.next() % UInt64(bundle.count - SyncBundle.headerSize - 1))
            let chunk = (cut - SyncBundle.headerSize - 1) / SyncBundle.sealedChunkSize
            let e = openError(Array(bundle.prefix(cut)))
            let boundary = (cut - SyncBundle.headerSize) % SyncBundle.sealedChunkSize == 0
            #expect(e == (boundary ? .truncated : .chunkDamaged(chunk: chunk)), "cut at \(cut)")
        }
        // Through the engine, a few mid-chunk cuts leave the store as it was.
        for cut in [SyncBundle.headerSize + 10, bundle.count - 1, bundle.count - 17] {
            #expect(refusal(Array(bundle.prefix(cut))) != nil)
        }
    }

    @Test("A flipped bit anywhere is refused, with the error of the region it hit")
    func bitFlips() {
        // The ephemeral key's top bit is ignored by X25519, but the key bytes are bound into
        // the key derivation and the wrap: flipping it is refused too (byte 31, bit 7).
        var top = bundle
        top[31] ^= 0x80
        #expect(openError(top) == .notForThisStore)
        func flipped(_ i: Int, _ bit: Int) -> [UInt8] {
            var b = bundle
            b[i] ^= UInt8(1 << bit)
            return b
        }
        for i in 0..<SyncBundle.headerSize {
            let e = openError(flipped(i, i % 8))
            switch i {
            case 0..<80: #expect(e == .notForThisStore, "byte \(i)")   // ephemeral key, wrapped file key
            default: #expect(e == .headerDamaged, "byte \(i)")          // payload nonce, MAC
            }
        }
        var g = SplitMix(seed: 17)
        var positions = (0..<300).map { _ in SyncBundle.headerSize + Int(g.next() % UInt64(bundle.count - SyncBundle.headerSize)) }
        // Both ends of every chunk: first byte, tag bytes.
        for k in 0..<chunkCount {
            let start = SyncBundle.headerSize + k * SyncBundle.sealedChunkSize
            positions += [start, min(start + SyncBundle.sealedChunkSize, bundle.count) - 1]
        }
        for p in positions {
            let chunk = (p - SyncBundle.headerSize) / SyncBundle.sealedChunkSize
            #expect(openError(flipped(p, Int(g.next() % 8))) == .chunkDamaged(chunk: chunk), "byte \(p)")
        }
        for p in positions.prefix(8) + [3, 20, 100] {
            #expect(refusal(flipped(p, 0)) != nil)
        }
    }

    @Test("Data after the final chunk is refused")
    func trailing() {
        let lastStart = SyncBundle.headerSize + (chunkCount - 1) * SyncBundle.sealedChunkSize
        // The last chunk is partial: anything appended runs into it and breaks its tag.
        #expect(bundle.count - lastStart < SyncBundle.sealedChunkSize)
        #expect(openError(bundle + bundle[lastStart...]) == .chunkDamaged(chunk: chunkCount - 1))
        #expect(refusal(bundle + [0]) == .chunkDamaged(chunk: chunkCount - 1))
        #expect(refusal(bundle + Array(repeating: 7, count: 40)) != nil)
    }

    @Test("A final chunk followed by another whole chunk is reported as trailing data")
    func trailingWholeChunk() throws {
        // Body sized so the plaintext is exactly two chunks: the second (final) one is full.
        let a = try peers["a"].identity(), b = recipient
        let prefixSize = 130 // version, two keys, signature kind and signature
        let body = [UInt8](repeating: 0, count: 2 * SyncBundle.chunkSize - prefixSize)
        let sealed = try SyncBundle.sealBody(body, senderKey: a.publicKey, signer: .key(a), recipient: b.publicKey)
        #expect(sealed.count == SyncBundle.headerSize + 2 * SyncBundle.sealedChunkSize)
        let final = sealed[(SyncBundle.headerSize + SyncBundle.sealedChunkSize)...]
        #expect(openError(sealed + final) == .trailingData)
        // Without the extra chunk it opens: authentic, but its (zero) body names another recipient.
        #expect(openError(sealed) == .notForThisStore)
    }

    @Test("An unsigned bundle is refused")
    func unsigned() throws {
        let a = try peers["a"].identity()
        var w = BinaryWriter()
        let contents = BundleContents(bundleID: Array(repeating: 1, count: 16), sequence: 1, acknowledged: 0, createdAt: 0,
                                      site: "x", holdings: Holdings(), events: [])
        SyncBundle.encodeBody(contents, recipient: recipient.publicKey, into: &w)
        let b = try SyncBundle.sealBody(w.bytes, senderKey: a.publicKey, signer: .none, recipient: recipient.publicKey)
        #expect(refusal(b) == .unsigned)
    }

    @Test("Re-signed by another key: untrusted signer, or a signature that does not match the sender")
    func resigned() throws {
        let a = try peers["a"].identity()
        let mallory = SyncIdentity()
        let events = SyncWorld.generate(seed: 3, count: 50)
        var w = BinaryWriter()
        SyncBundle.encodeBody(BundleContents(bundleID: Array(repeating: 2, count: 16), sequence: 1, acknowledged: 0,
                                             createdAt: 0, site: "x", holdings: Holdings(events: events), events: events),
                              recipient: recipient.publicKey, into: &w)
        // Mallory signs as herself.
        let own = try SyncBundle.sealBody(w.bytes, senderKey: mallory.publicKey, signer: .key(mallory), recipient: recipient.publicKey)
        #expect(refusal(own) == .untrustedSender(fingerprint: mallory.publicKey.fingerprint))
        // Mallory signs but claims to be a.
        let claim = try SyncBundle.sealBody(w.bytes, senderKey: a.publicKey, signer: .key(mallory), recipient: recipient.publicKey)
        #expect(refusal(claim) == .badSignature)
        // A random 64-byte signature.
        let random = try SyncBundle.sealBody(w.bytes, senderKey: a.publicKey, signer: .forged(SyncBundle.randomBytes(64)),
                                             recipient: recipient.publicKey)
        #expect(refusal(random) == .badSignature)
        // The same body properly signed by a is accepted (so the refusals above are the signature's).
        let good = try SyncBundle.sealBody(w.bytes, senderKey: a.publicKey, signer: .key(a), recipient: recipient.publicKey)
        let s = try peers["b"].importBundle(good)
        #expect(s.peer == "a" && s.eventsNew == 50)
    }

    @Test("A bundle b decrypts and re-encrypts for c, keeping a's signature, is refused by c")
    func forwarded() throws {
        let (plain, _) = try SyncBundle.decrypt(bundle, recipient: recipient, progress: nil)
        let a = try peers["a"].identity()
        let c = try peers["c"].identity()
        let signature = Array(plain[66..<130])
        let body = Array(plain[130...])
        let forwarded = try SyncBundle.sealBody(body, senderKey: a.publicKey, signer: .forged(signature), recipient: c.publicKey)
        #expect(refusal(forwarded, into: "c") == .badSignature)
    }

    @Test("A bundle for another store is refused")
    func wrongRecipient() {
        #expect(refusal(bundle, into: "c") == .notForThisStore)
    }

    @Test("A bundle from a peer no longer trusted is refused")
    func untrusted() throws {
        let fp = try peers["a"].identityFingerprint()
        try peers["b"].untrust(name: "a")
        #expect(refusal(bundle) == .untrustedSender(fingerprint: fp))
    }

    @Test("A bundle encrypted to this store by itself is refused")
    func fromSelf() throws {
        let b = recipient
        let own = try SyncBundle.seal(events: [], sender: b, recipient: b.publicKey)
        #expect(refusal(own) == .fromSelf)
    }

    @Test("Authentic but undecodable content is refused as malformed")
    func malformedBody() throws {
        let a = try peers["a"].identity()
        var w = BinaryWriter()
        let events = SyncWorld.generate(seed: 4, count: 10)
        SyncBundle.encodeBody(BundleContents(bundleID: Array(repeating: 3, count: 16), sequence: 1, acknowledged: 0,
                                             createdAt: 0, site: "x", holdings: Holdings(), events: events),
                              recipient: recipient.publicKey, into: &w)
        var body = w.bytes
        body.removeLast(3)
        let cut = try SyncBundle.sealBody(body, senderKey: a.publicKey, signer: .key(a), recipient: recipient.publicKey)
        guard case .malformed? = refusal(cut) else { Issue.record("expected malformed"); return }
        // Two events with one id.
        let twice = BundleContents(bundleID: Array(repeating: 4, count: 16), sequence: 1, acknowledged: 0, createdAt: 0,
                                   site: "x", holdings: Holdings(), events: [events[0], events[0]])
        let dup = try SyncBundle.seal(twice, sender: a, recipient: recipient.publicKey)
        #expect(refusal(dup) == .malformed("event \(events[0].id) appears twice"))
    }

    @Test("Only coordinators import; the refusal changes nothing")
    func policy() {
        peers.store("b").role = .worker
        #expect(refusal(bundle) == .denied(role: .worker, action: .sync))
        peers.store("b").role = .psychologist
        #expect(refusal(bundle) == .denied(role: .psychologist, action: .sync))
    }

    @Test("A store that fails to write refuses the import whole; the retry then succeeds")
    func storeFailure() throws {
        peers.store("b").failImports = true
        guard case .store? = refusal(bundle) else { Issue.record("expected a store error"); return }
        peers.store("b").failImports = false
        let s = try peers["b"].importBundle(bundle)
        #expect(s.eventsNew == 3_500)
    }
}

@Suite struct SyncEnvelopeTests {
    @Test("Bundles have no plaintext marker: the first bytes vary, the top key bit is random, all open")
    func noMarker() throws {
        let sender = SyncIdentity(), recipient = SyncIdentity()
        var firstBytes = Set<UInt8>(), topBits = Set<UInt8>()
        for _ in 0..<32 {
            let b = try SyncBundle.seal(events: [], sender: sender, recipient: recipient.publicKey)
            firstBytes.insert(b[0])
            topBits.insert(b[31] & 0x80)
            let opened = try SyncBundle.open(b, recipient: recipient, trusted: ["s": sender.publicKey])
            #expect(opened.sender == "s" && opened.contents.events.isEmpty)
        }
        #expect(firstBytes.count > 16 && topBits.count == 2)
    }

    @Test("Seal and open round-trip every field")
    func roundTrip() throws {
        let sender = SyncIdentity(), recipient = SyncIdentity()
        let events = SyncWorld.generate(seed: 12, count: 400)
        let c = BundleContents(bundleID: Array(0..<16), sequence: 7, acknowledged: 5, createdAt: -12, site: "temirtau",
                               holdings: Holdings(events: events), events: events)
        var progress: [Int] = []
        let b = try SyncBundle.seal(c, sender: sender, recipient: recipient.publicKey)
        let o = try SyncBundle.open(b, recipient: recipient, trusted: ["x": SyncIdentity().publicKey, "s": sender.publicKey]) {
            done, total in
            #expect(total == b.count)
            progress.append(done)
        }
        #expect(o.contents == c && o.sender == "s" && o.senderKey == sender.publicKey)
        #expect(progress.last == b.count && progress == progress.sorted())
    }
}
