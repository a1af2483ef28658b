import Foundation
import Testing
@testable import SenimCore
import SenimTestSupport

/// Random input never crashes the period parser or the report configuration parsers, and an
/// empty ledger reports zeros in every format.
@Suite struct ReportsFuzzTests {
    @Test func randomPeriodTextIsParsedOrRefused() throws {
        var g = SplitMix(seed: 2026)
        let alphabet = Array("0123456789--..WwQqHhSs Ж٣２/:+")
        for _ in 0..<20_000 {
            let n = Int(g.next() % 26)
            var s = ""
            for _ in 0..<n { s.append(alphabet[Int(g.next() % UInt64(alphabet.count))]) }
            // Bias towards almost-valid text.
            if g.next() % 2 == 0 { s = "20" + String(format: "%02d", Int(g.next() % 100)) + s }
            do {
                let p = try ReportPeriod.parse(s, timeZone: ReportFixtures.tz)
                #expect(p.start < p.end)
                #expect(try ReportPeriod.parse(p.label, timeZone: ReportFixtures.tz) == p, "\(s) → \(p.label)")
            } catch {
                #expect(error.key.hasPrefix("report.period."))
            }
        }
    }

    @Test func randomConfigurationBytesAreRefusedCleanly() {
        var g = SplitMix(seed: 77)
        let cat = Fixtures.catalogue, pts = Fixtures.configuration.points
        let seeds = [try! Data(contentsOf: Fixtures.configDirectory.appendingPathComponent("programme.json")),
                     try! Data(contentsOf: Fixtures.configDirectory.appendingPathComponent("dhis2.json"))]
        for i in 0..<400 {
            var bytes = [UInt8](seeds[i % 2])
            for _ in 0..<Int(g.next() % 4) + 1 {
                let at = Int(g.next() % UInt64(bytes.count))
                switch g.next() % 3 {
                case 0: bytes[at] = UInt8(truncatingIfNeeded: g.next())
                case 1: bytes.remove(at: at)
                default: bytes.insert(UInt8(truncatingIfNeeded: g.next()), at: at)
                }
            }
            do {
                if i % 2 == 0 {
                    _ = try ReportingConfig.load(programme: Data(bytes), dhis2: nil, catalogue: cat, points: pts)
                } else {
                    _ = try DHIS2Mapping.load(json: Data(bytes), catalogue: cat, points: pts)
                }
            } catch {
                #expect(error is ConfigError)
            }
        }
    }

    @Test func anEmptyLedgerReportsZerosEverywhere() throws {
        let config = ReportFixtures.config(estimate: 100)
        let empty = LedgerState(catalogue: config.catalogue, points: config.points)
        for by in [nil] + Disaggregation.allCases.map(Optional.some) {
            let r = Reports.compute(ledger: empty, configuration: config, period: ReportFixtures.period("2026"), point: nil, by: by)
            #expect(r.value("contacts") == 0)
            #expect(r.value("clients.reached") == 0)
            #expect(r.value("contacts.perClient") == nil)
            #expect(r.value("prv8.coverage") == 0)
            #expect(r.table("stock")!.rows.isEmpty)
            for format in ReportFormat.allCases {
                let out = try Reports.run(ReportRequest(period: ReportFixtures.period("2026"), by: by, format: format),
                                          ledger: empty, configuration: config, role: .coordinator, language: .kk)
                #expect(!out.isEmpty)
            }
        }
        #expect(Reports.lineList(ledger: empty, configuration: config, period: ReportFixtures.period("2026"), point: nil).isEmpty)
        #expect(Reports.monthlyTrend(ledger: empty, configuration: config, months: 3, endingAt: Date(timeIntervalSince1970: 1_790_000_000),
                                     point: nil).map(\.contacts) == [0, 0, 0])
    }
}
