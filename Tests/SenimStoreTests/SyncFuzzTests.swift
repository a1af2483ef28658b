import Foundation
import SenimCore
@testable import SenimStore
import Testing
import SenimTestSupport

/// Fuzzing the bundle parser: random and mutated bytes only ever give a thrown `SyncError`
/// (or, for a mutation that changed nothing, the original contents), never a crash or a hang.
/// `SENIM_FUZZ_ITERATIONS=100000 swift test --filter SyncFuzzTests` runs longer.
@Suite struct SyncFuzzTests {
    static let iterations = Int(ProcessInfo.processInfo.environment["SENIM_FUZZ_ITERATIONS"] ?? "") ?? 1_500

    let sender = SyncIdentity()
    let recipient = SyncIdentity()
    var trusted: [String: PeerKey] { ["sender": sender.publicKey] }

    func contents(_ n: Int, seed: UInt64) -> BundleContents {
        let events = SyncWorld.generate(seed: seed, count: n)
        return BundleContents(bundleID: Array(repeating: UInt8(seed & 0xff), count: 16), sequence: 3, acknowledged: 2,
                              createdAt: 1_790_000_000, site: "temirtau", holdings: Holdings(events: events), events: events)
    }

    /// One random structural mutation.
    static func mutate(_ input: [UInt8], _ g: inout SplitMix, donor: [UInt8]) -> [UInt8] {
        var b = input
        func pos() -> Int { b.isEmpty ? 0 : Int(g.next() % UInt64(b.count)) }
        switch g.next() % 9 {
        case 0:
            for _ in 0..<(1 + g.next() % 8) where !b.isEmpty { b[pos()] ^= UInt8(1 << (g.next() % 8)) }
        case 1:
            for _ in 0..<(1 + g.next() % 4) where !b.isEmpty { b[pos()] = UInt8(truncatingIfNeeded: g.next()) }
        case 2:
            if !b.isEmpty { let a = pos(); b.removeSubrange(a..<min(b.count, a + 1 + Int(g.next() % 300))) }
        case 3:
            b.insert(contentsOf: (0..<(1 + g.next() % 64)).map { _ in UInt8(truncatingIfNeeded: g.next()) }, at: pos())
        case 4:
            b = Array(b.prefix(pos()))
        case 5:
            if !b.isEmpty { let a = pos(); b.insert(contentsOf: b[a..<min(b.count, a + Int(g.next() % 200))], at: pos()) }
        case 6:
            // Header of one bundle, payload of another.
            let cut = min(SyncBundle.headerSize, b.count, donor.count)
            b = Array(b.prefix(cut)) + Array(donor.dropFirst(cut))
        case 7:
            // Swap two chunks.
            let n = (b.count - SyncBundle.headerSize) / SyncBundle.sealedChunkSize
            if n >= 2 {
                let s0 = SyncBundle.headerSize, s1 = SyncBundle.headerSize + SyncBundle.sealedChunkSize
                let c0 = Array(b[s0..<s1]), c1 = Array(b[s1..<s1 + SyncBundle.sealedChunkSize])
                b.replaceSubrange(s0..<s1, with: c1)
                b.replaceSubrange(s1..<s1 + SyncBundle.sealedChunkSize, with: c0)
            } else if !b.isEmpty {
                b[pos()] &+= 1
            }
        default:
            // Extreme varints and lengths at a random place.
            b.insert(contentsOf: [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01], at: pos())
        }
        return b
    }

    @Test("Random bytes are refused")
    func randomBytes() {
        var g = SplitMix(seed: 1)
        for i in 0..<Self.iterations {
            // Half of them long enough to reach the key unwrapping and the chunk checks.
            let n = i % 2 == 0 ? SyncBundle.headerSize + Int(g.next() % 300) : Int(g.next() % 700)
            let b = (0..<n).map { _ in UInt8(truncatingIfNeeded: g.next()) }
            do {
                _ = try SyncBundle.open(b, recipient: recipient, trusted: trusted)
                Issue.record("random bytes accepted (\(n) bytes)")
            } catch {
                // Any SyncError is fine; the point is that nothing traps.
            }
        }
    }

    @Test("Mutated bundles are refused unless the mutation changed nothing")
    func mutatedBundles() throws {
        let small = contents(40, seed: 2)
        let large = contents(1_200, seed: 3)   // two chunks
        let a = try SyncBundle.seal(small, sender: sender, recipient: recipient.publicKey)
        let b = try SyncBundle.seal(large, sender: sender, recipient: recipient.publicKey)
        #expect(b.count > SyncBundle.headerSize + SyncBundle.sealedChunkSize)
        var g = SplitMix(seed: 4)
        var refused = 0
        for i in 0..<Self.iterations {
            let (original, expected, donor, other) = i % 4 == 0 ? (b, large, a, small) : (a, small, b, large)
            var m = Self.mutate(original, &g, donor: donor)
            if g.next() % 3 == 0 { m = Self.mutate(m, &g, donor: donor) }
            do {
                let opened = try SyncBundle.open(m, recipient: recipient, trusted: trusted)
                // Only a mutation that gave back a whole genuine bundle may open (e.g. a cut
                // inside the magic followed by the donor's bytes is the donor itself).
                let diff = zip(m, original).enumerated().first { $0.element.0 != $0.element.1 }?.offset
                #expect((m == original && opened.contents == expected) || (m == donor && opened.contents == other),
                        "mutation \(i) accepted: \(m.count) vs \(original.count) bytes, first difference at \(diff.map(String.init) ?? "-")")
            } catch {
                refused += 1
            }
        }
        #expect(refused > Self.iterations * 9 / 10)
    }

    @Test("The authenticated-content parser survives mutated and random bodies")
    func bodyParser() {
        var w = BinaryWriter()
        SyncBundle.encodeBody(contents(60, seed: 5), recipient: recipient.publicKey, into: &w)
        let body = w.bytes
        var g = SplitMix(seed: 6)
        var decoded = 0
        for i in 0..<Self.iterations * 2 {
            let m: [UInt8]
            if i % 10 == 0 {
                m = recipient.publicKey.agreement + (0..<Int(g.next() % 400)).map { _ in UInt8(truncatingIfNeeded: g.next()) }
            } else {
                m = Self.mutate(body, &g, donor: body.reversed())
            }
            if (try? SyncBundle.decodeBody(m, recipient: recipient.publicKey)) != nil { decoded += 1 }
        }
        // Some mutations only change a value (a timestamp, a quantity) and still decode.
        #expect(decoded > 0 && decoded < Self.iterations * 2)
        #expect((try? SyncBundle.decodeBody(body, recipient: recipient.publicKey)) == contents(60, seed: 5))
    }

    @Test("The plaintext prefix parser (keys, signature kind) survives mutations")
    func plaintextParser() throws {
        let sealed = try SyncBundle.seal(contents(20, seed: 7), sender: sender, recipient: recipient.publicKey)
        let (plain, header) = try SyncBundle.decrypt(sealed, recipient: recipient, progress: nil)
        var g = SplitMix(seed: 8)
        for _ in 0..<Self.iterations {
            let m = Self.mutate(plain, &g, donor: [])
            let r = try? SyncBundle.parsePlaintext(m, header: header, recipient: recipient, trusted: trusted)
            if r != nil { #expect(m == plain) }
        }
    }

    @Test("Metadata and key parsers survive random and mutated input")
    func metadataParsers() throws {
        var state = PeerState()
        state.nextSequence = 9
        state.importedSequences = [1, 2, 5]
        state.importedBundles = [Array(repeating: 1, count: 16)]
        state.peerHoldings = Holdings(events: SyncWorld.generate(seed: 9, count: 50))
        state.sent[Holdings.Bucket(device: DeviceID(3), week: 2_900)] = .init(sequence: 4, digest: .init(count: 2, sumA: 3, sumB: 4))
        let raw = state.encode()
        #expect(try PeerState.decode(raw, key: "k") == state)
        let trust = TrustList.encode([TrustedPeer(name: "a", key: sender.publicKey), TrustedPeer(name: "b", key: recipient.publicKey)])
        let line = sender.publicLine
        var g = SplitMix(seed: 10)
        for _ in 0..<Self.iterations {
            _ = try? PeerState.decode(Self.mutate(raw, &g, donor: []), key: "k")
            _ = try? TrustList.decode(Self.mutate(trust, &g, donor: []))
            _ = try? SyncIdentity(serialized: Self.mutate(sender.serialized, &g, donor: []))
            let l = Self.mutate(Array(line.utf8), &g, donor: [])
            _ = try? PeerKey.parse(String(decoding: l, as: UTF8.self))
        }
    }
}
