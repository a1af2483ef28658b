import Foundation
import SenimCore
@testable import SenimStore
import Testing

/// Import speed for a 100,000-event bundle, in CPU seconds. Not a timed test: it only runs with
/// SENIM_MEASURE=1 and prints what it measured, e.g.
///
///     SENIM_MEASURE=1 swift test -c release -Xswiftc -enable-testing --filter SyncMeasureTests
@Suite struct SyncMeasureTests {
    static let enabled = ProcessInfo.processInfo.environment["SENIM_MEASURE"] == "1"

    /// CPU seconds of this process (the machine may be shared: wall-clock time would measure
    /// the neighbours too).
    static func seconds(_ body: () throws -> Void) rethrows -> Double {
        func now() -> Double {
            var t = timespec()
            clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
            return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
        }
        let start = now()
        try body()
        return now() - start
    }

    @Test("Measure: export and import of 100,000 events", .enabled(if: enabled))
    func importSpeed() throws {
        let n = Int(ProcessInfo.processInfo.environment["SENIM_MEASURE_EVENTS"] ?? "") ?? 100_000
        let events = SyncWorld.generate(seed: 2026, count: n)
        let p = SyncPeers([("laptop", "almaty-mobile", events), ("hub", "almaty-central", [])])
        var bundle: [UInt8] = []
        let exportTime = try Self.seconds { bundle = try p["laptop"].export(to: "hub", mode: .all).bytes }
        let me = try p["hub"].identity()
        let trusted = Dictionary(uniqueKeysWithValues: try p["hub"].trustList().map { ($0.name, $0.key) })
        var opened: OpenedBundle?
        let openTime = try Self.seconds { opened = try SyncBundle.open(bundle, recipient: me, trusted: trusted) }
        #expect(opened?.contents.events.count == n)
        var summary: ImportSummary?
        var calls = 0
        let importTime = try Self.seconds { summary = try p["hub"].importBundle(bundle) { _, _ in calls += 1 } }
        #expect(summary?.eventsNew == n)
        let foldTime = Self.seconds {
            _ = LedgerState.fold(events, catalogue: SyncFixtures.configuration.catalogue, points: SyncFixtures.configuration.points)
        }
        let holdingsTime = Self.seconds { _ = Holdings(events: events) }
        let me2 = try p["laptop"].identity()
        let contents = BundleContents(bundleID: Array(repeating: 0, count: 16), sequence: 1, acknowledged: 0, createdAt: 0,
                                      site: "x", holdings: Holdings(events: events), events: events)
        let sealTime = try Self.seconds { _ = try SyncBundle.seal(contents, sender: me2, recipient: me.publicKey) }
        let again = try Self.seconds { _ = try p["hub"].importBundle(try p["laptop"].export(to: "hub", mode: .all).bytes) }
        print("""
        sync measurement, \(n) events:
          bundle size           \(bundle.count) bytes (\(bundle.count / n) bytes/event)
          export (load, summarise, select, seal, bookkeeping)  \(String(format: "%.3f", exportTime)) s
            holdings summary    \(String(format: "%.3f", holdingsTime)) s
            seal alone (encode, sign, encrypt)  \(String(format: "%.3f", sealTime)) s
          open (check, decrypt, verify, decode)  \(String(format: "%.3f", openTime)) s  (\(Int(Double(n) / openTime)) events/s)
          import into empty in-memory store (open + merge + fold + bookkeeping)  \(String(format: "%.3f", importTime)) s  (\(Int(Double(n) / importTime)) events/s; \(calls) progress calls)
            of which one full ledger fold  \(String(format: "%.3f", foldTime)) s
          re-import of all-known events (export --all + import)  \(String(format: "%.3f", again)) s
        """)
    }

    @Test("Measure: import of 100,000 events into a real encrypted store", .enabled(if: enabled))
    func importIntoSession() throws {
        let n = Int(ProcessInfo.processInfo.environment["SENIM_MEASURE_EVENTS"] ?? "") ?? 100_000
        let events = SyncWorld.generate(seed: 2027, count: n)
        let sender = SyncIdentity()
        let dir = TestSupport.tempDirectory("sync-measure")
        defer { TestSupport.cleanup(dir) }
        let session = try Session.create(at: dir, user: "gulnara", passphrase: "measure pass", point: "almaty-central",
                                         configuration: TestSupport.configuration, kdf: TestSupport.kdf, derivation: TestSupport.derivation)
        defer { session.close() }
        let engine = SyncEngine(session: session)
        try engine.trust(name: "laptop", key: sender.publicLine)
        let me = try engine.identity()
        let bundle = try SyncBundle.seal(events: events, sender: sender, recipient: me.publicKey)
        var wall = DispatchTime.now().uptimeNanoseconds
        var summary: ImportSummary?
        let cpu = try Self.seconds { summary = try engine.importBundle(bundle) }
        wall = DispatchTime.now().uptimeNanoseconds - wall
        #expect(summary?.eventsNew == n)
        print("""
        sync measurement, \(n) events into an encrypted store (journal write with fsync, refold):
          import  \(String(format: "%.3f", cpu)) s CPU, \(String(format: "%.3f", Double(wall) / 1e9)) s wall  (\(Int(Double(n) / (Double(wall) / 1e9))) events/s wall)
        """)
    }
}
