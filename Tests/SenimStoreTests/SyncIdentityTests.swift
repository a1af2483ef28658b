import SenimCore
@testable import SenimStore
import Testing

@Suite struct SyncIdentityTests {
    @Test("The public line round-trips and is one short line")
    func publicLine() throws {
        let id = SyncIdentity()
        let line = id.publicLine
        #expect(line.hasPrefix("senim1:") && line.count == 98 && !line.contains(" ") && !line.contains("\n"))
        #expect(try SyncIdentity.parsePublicLine(line) == id.publicKey)
        #expect(try PeerKey.parse("  \(line)\n") == id.publicKey)
        // Wrapped by a messenger: the line broken in the middle.
        let wrapped = String(line.prefix(40)) + "\n  " + String(line.dropFirst(40))
        #expect(try PeerKey.parse(wrapped) == id.publicKey)
        #expect(id.publicKey.fingerprint.count == 19)
        #expect(try SyncIdentity(serialized: id.serialized).publicKey == id.publicKey)
        #expect(SyncIdentity().publicLine != line)
    }

    @Test("Every single-character typo in a key line is caught")
    func typos() {
        let line = SyncIdentity().publicLine
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        var chars = Array(line)
        var caught = 0, total = 0
        for i in 7..<chars.count {
            let original = chars[i]
            let replacement = alphabet[(alphabet.firstIndex(of: original)! + 17) % alphabet.count]
            chars[i] = replacement
            total += 1
            // The last character carries only 2 bits of data in base64: a change there may
            // leave the bytes alone (and then the key is the same key) or be refused.
            do {
                let k = try PeerKey.parse(String(chars))
                if i == chars.count - 1 { #expect(k == (try? PeerKey.parse(line))) } else { Issue.record("typo at \(i) accepted") }
            } catch { caught += 1 }
            chars[i] = original
        }
        #expect(caught >= total - 1)
    }

    @Test("Bad key lines get specific errors")
    func badLines() {
        let line = SyncIdentity().publicLine
        func reason(_ s: String) -> String? {
            do { _ = try PeerKey.parse(s); return nil } catch {
                if case .badKey(let r) = error { return r }
                return "other: \(error)"
            }
        }
        #expect(reason("age1qqqq")?.contains("senim1:") == true)
        #expect(reason(String(line.dropLast(5)))?.contains("length") == true)
        #expect(reason(line + "AAAA")?.contains("length") == true)
        #expect(reason(line.replacingOccurrences(of: "senim1:", with: "senim1:!"))?.contains("base64url") == true)
        #expect(reason("") != nil)
        #expect((try? SyncIdentity(serialized: [1, 2, 3])) == nil)
    }

    @Test("Trust rules: own key, repeated key, taken name, bad name, unknown peer")
    func trustRules() throws {
        let store = MemorySyncStore(point: "almaty-central")
        let engine = SyncEngine(store: store)
        let other = SyncIdentity().publicLine
        #expect(throws: SyncError.ownKey) { try engine.trust(name: "me", key: try engine.identityLine()) }
        try engine.trust(name: "temirtau-laptop", key: other)
        try engine.trust(name: "temirtau-laptop", key: other)   // the same again is fine
        #expect(throws: SyncError.keyAlreadyTrusted(name: "temirtau-laptop")) { try engine.trust(name: "second", key: other) }
        #expect(throws: SyncError.peerExists(name: "temirtau-laptop")) {
            try engine.trust(name: "temirtau-laptop", key: SyncIdentity().publicLine)
        }
        #expect(throws: SyncError.badPeerName("a b")) { try engine.trust(name: "a b", key: SyncIdentity().publicLine) }
        #expect(throws: SyncError.badPeerName("")) { try engine.trust(name: "", key: SyncIdentity().publicLine) }
        #expect(engine.trusted().map(\.name) == ["temirtau-laptop"] && engine.trusted()[0].key == other)
        #expect(throws: SyncError.unknownPeer(name: "nobody", known: ["temirtau-laptop"])) {
            _ = try engine.export(to: "nobody", mode: .all)
        }
        try engine.untrust(name: "temirtau-laptop")
        #expect(engine.trusted().isEmpty)
        #expect(throws: SyncError.unknownPeer(name: "temirtau-laptop", known: [])) { try engine.untrust(name: "temirtau-laptop") }
    }

    @Test("The identity is made once and kept in the store's local values")
    func identityPersists() throws {
        let store = MemorySyncStore(point: "almaty-central")
        let line = try SyncEngine(store: store).identityLine()
        #expect(store.local[SyncEngine.identityKey]?.count == 68)
        #expect(try SyncEngine(store: store).identityLine() == line)
    }

    @Test("Only coordinators sign (export), trust and import; anyone shows the identity line once it exists")
    func policy() throws {
        let laptop = MemorySyncStore(point: "almaty-mobile", role: .worker)
        let engine = SyncEngine(store: laptop)
        // A worker cannot make the identity: it would know the private key.
        #expect(throws: SyncError.coordinatorsOnly) { _ = try engine.identityLine() }
        #expect(laptop.local.isEmpty)
        #expect(throws: SyncError.denied(role: .worker, action: .sync)) { try engine.trust(name: "hub", key: SyncIdentity().publicLine) }
        laptop.role = .coordinator
        let line = try engine.identityLine()
        let hub = SyncIdentity()
        try engine.trust(name: "hub", key: hub.publicLine)
        laptop.role = .worker
        #expect(try engine.identityLine() == line)
        #expect(throws: SyncError.coordinatorsOnly) { _ = try engine.export(to: "hub", mode: .all) }
        laptop.role = .psychologist
        #expect(throws: SyncError.coordinatorsOnly) { _ = try engine.export(to: "hub", mode: .all) }
        laptop.role = .coordinator
        let b = try engine.export(to: "hub", mode: .all)
        #expect(b.eventCount == 0)
        laptop.role = .worker
        #expect(throws: SyncError.denied(role: .worker, action: .sync)) { _ = try engine.importBundle(b.bytes) }
        #expect(Policy.allows(.worker, .syncExport) && Policy.allows(.psychologist, .syncExport) && Policy.allows(.coordinator, .syncExport))
        #expect(!Policy.allows(.worker, .sync) && !Policy.allows(.psychologist, .sync) && Policy.allows(.coordinator, .sync))
    }

    @Test("Every sync error has a message in en, ru and kk")
    func messages() {
        let strings = SyncFixtures.configuration.strings
        let errors: [SyncError] = [
            .tooShort, .unsupportedVersion(2), .truncated, .trailingData, .headerDamaged, .chunkDamaged(chunk: 3),
            .notForThisStore, .unsigned, .badSignature, .untrustedSender(fingerprint: "ab"), .fromSelf,
            .alreadyImported(peer: "p", sequence: 4), .malformed("x"), .badKey(reason: "y"), .ownKey, .badPeerName("n"),
            .unknownPeer(name: "n", known: []), .peerExists(name: "n"), .keyAlreadyTrusted(name: "n"),
            .corruptMetadata(key: "k"), .denied(role: .worker, action: .sync), .store("s"), .crypto("c"), .writeFailed("w"),
            .coordinatorsOnly, .noSyncGrant,
        ]
        for e in errors {
            #expect(strings.has(e.message.key), "\(e.message.key)")
            for lang in Language.allCases {
                let text = e.message.text(strings, lang)
                #expect(!text.contains("{") && text != e.message.key, "\(lang) \(e.message.key): \(text)")
            }
            #expect(!e.description.isEmpty)
        }
        #expect(strings.missingKeys().isEmpty)
        // Russian and Kazakh are translations, not English copies.
        for key in strings.tables[.en]!.keys where key.hasPrefix("sync.") {
            #expect(strings.t(key, .ru) != strings.t(key, .en), "\(key) ru")
            #expect(strings.t(key, .kk) != strings.t(key, .en) && strings.t(key, .kk) != strings.t(key, .ru), "\(key) kk")
        }
    }
}
