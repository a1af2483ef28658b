import Foundation
@testable import SenimCore

/// Builds small ledgers with hand-picked times for report tests.
struct LedgerBuilder {
    var events: [Event] = []
    var next: UInt64 = 1

    /// UTC seconds of a wall-clock time at a fixed UTC offset (hand arithmetic, not Foundation's
    /// time zones, so the tests check the zone handling independently).
    static func time(_ y: Int, _ m: Int, _ d: Int, _ h: Int = 12, _ mi: Int = 0, offset: Int = 5) -> Timestamp {
        Timestamp(ReportPeriod.daysFromCivil(y, m, d) * 86_400 + (h - offset) * 3_600 + mi * 60)
    }

    /// Almaty wall-clock time (UTC+5 since 1 March 2024).
    static func almaty(_ y: Int, _ m: Int, _ d: Int, _ h: Int = 12, _ mi: Int = 0) -> Timestamp { time(y, m, d, h, mi) }

    @discardableResult
    mutating func add(_ at: Timestamp, site: String = "almaty-central", author: String = "aigerim", _ body: EventBody) -> EventID {
        let id = EventID(high: next, low: next)
        next += 1
        events.append(Event(id: id, at: at, author: author, device: DeviceID(1), site: site, body: body))
        return id
    }

    @discardableResult
    mutating func contact(_ at: Timestamp, _ code: String, site: String = "almaty-central", author: String = "aigerim",
                          type: String = "stationary", items: [String: Int32] = [:], overdose: String? = nil,
                          services: [String] = [], detail: ContactDetail = ContactDetail()) -> EventID {
        let lines = items.keys.sorted().map { ItemQuantity(item: $0, quantity: items[$0]!) }
        return add(at, site: site, author: author, .contactLogged(Contact(client: UIC(normalised: code), type: type, items: lines,
                                                                          services: services, overdose: overdose, detail: detail)))
    }

    @discardableResult
    mutating func referral(_ at: Timestamp, _ code: String, _ service: String, site: String = "almaty-central",
                           author: String = "aigerim") -> EventID {
        add(at, site: site, author: author, .referralIssued(ReferralIssue(client: UIC(normalised: code), service: service)))
    }

    mutating func update(_ at: Timestamp, _ referral: EventID, _ status: ReferralStatus, site: String = "almaty-central") {
        add(at, site: site, .referralUpdated(ReferralUpdate(referral: referral, status: status)))
    }

    func ledger(_ config: Configuration = Fixtures.configuration) -> LedgerState {
        LedgerState.fold(events, catalogue: config.catalogue, points: config.points)
    }
}

enum ReportFixtures {
    static let tz = TimeZone(identifier: "Asia/Almaty")!

    static func period(_ text: String) -> ReportPeriod { try! ReportPeriod.parse(text, timeZone: tz) }

    /// The configuration of the repository with other report settings.
    static func config(estimate: Int? = nil, pointEstimates: [String: Int] = [:], upTo: Int = 4,
                       dhis2: DHIS2Mapping? = Fixtures.configuration.reporting.dhis2) -> Configuration {
        var c = Fixtures.configuration
        c.reporting = ReportingConfig(timeZone: tz, suppressCountsUpTo: upTo, marker: "*",
                                      pwidEstimate: .init(programme: estimate, points: pointEstimates, year: 2024, source: "test"),
                                      naloxoneItems: ["naloxone"], dhis2: dhis2)
        return c
    }

    /// November 2026 in Almaty, worked through by hand in docs/indicators.md ("worked example").
    ///
    /// Clients (default formula: letters, sex digit, 2-digit birth year):
    /// A AAAA185 man 1985 · B BBBB203 woman 2003 · C CCCC290 woman 1990 · D DDDD101 man 2001
    /// (25 at the start of 2026) · E EEEE202 woman 2002 · F FFFF299 (a woman's code) merged into A.
    static let november: (events: [Event], r: [String: EventID]) = {
        var b = LedgerBuilder()
        typealias L = LedgerBuilder
        var r: [String: EventID] = [:]
        // Stock before the period.
        b.add(L.almaty(2026, 9, 1), .stockReceived(StockReceipt(item: "naloxone", quantity: 10, lot: "N1", expires: DayNumber(ReportPeriod.daysFromCivil(2026, 11, 20)))))
        b.add(L.almaty(2026, 10, 1), .stockReceived(StockReceipt(item: "syringe-1ml", quantity: 100, lot: "L1", expires: DayNumber(ReportPeriod.daysFromCivil(2027, 1, 15)))))
        b.contact(L.almaty(2026, 10, 15), "AAAA185", items: ["syringe-2ml": 10])
        b.contact(L.almaty(2026, 10, 31, 23, 30), "CCCC290", items: ["alcohol-wipe": 5])      // 30 minutes before the period
        r["R5"] = b.referral(L.almaty(2026, 10, 20), "AAAA185", "hcv-test")
        b.update(L.almaty(2026, 11, 2), r["R5"]!, .attended)
        // November.
        b.contact(L.almaty(2026, 11, 1, 0, 0), "BBBB203", items: ["syringe-1ml": 20, "alcohol-wipe": 20])   // first second
        b.add(L.almaty(2026, 11, 2), .stockReceived(StockReceipt(item: "syringe-1ml", quantity: 50)))
        b.contact(L.almaty(2026, 11, 3, 10), "AAAA185", items: ["syringe-2ml": 10, "needle": 10, "condom": 3])
        r["R1"] = b.referral(L.almaty(2026, 11, 3, 11), "AAAA185", "hiv-test")
        b.contact(L.almaty(2026, 11, 5), "FFFF299", site: "almaty-mobile", author: "dana", type: "mobile", items: ["syringe-2ml": 5])
        b.add(L.almaty(2026, 11, 6), author: "coordinator", .clientsMerged(from: UIC(normalised: "FFFF299"), into: UIC(normalised: "AAAA185")))
        b.update(L.almaty(2026, 11, 8, 9), r["R1"]!, .attended)
        b.contact(L.almaty(2026, 11, 10), "CCCC290", items: ["naloxone": 2], overdose: "reversed-naloxone")
        r["R2"] = b.referral(L.almaty(2026, 11, 10, 13), "CCCC290", "oat")
        b.update(L.almaty(2026, 11, 11), r["R2"]!, .declined)
        b.contact(L.almaty(2026, 11, 12), "DDDD101", site: "almaty-mobile", author: "dana", type: "mobile", items: ["foil": 5])
        r["R3"] = b.referral(L.almaty(2026, 11, 12, 10), "DDDD101", "hiv-test", site: "almaty-mobile", author: "dana")
        b.update(L.almaty(2026, 11, 15, 16), r["R3"]!, .attended, site: "almaty-mobile")
        b.add(L.almaty(2026, 11, 15), .stockTransferred(StockTransfer(item: "syringe-1ml", quantity: 30, to: "almaty-mobile")))
        let transfer = b.events.last!.id
        b.add(L.almaty(2026, 11, 16), site: "almaty-mobile", author: "dana",
              .stockTransferReceived(TransferReceipt(transfer: transfer, item: "syringe-1ml", quantity: 30, from: "almaty-central")))
        b.add(L.almaty(2026, 11, 18), author: "coordinator", .stockWrittenOff(StockWriteOff(item: "syringe-1ml", quantity: 5, reason: .damaged)))
        b.contact(L.almaty(2026, 11, 20), "BBBB203", site: "almaty-mobile", author: "dana", type: "mobile", items: ["condom": 10], overdose: "ambulance")
        r["R4"] = b.referral(L.almaty(2026, 11, 20, 13), "BBBB203", "legal-aid", site: "almaty-mobile", author: "dana")
        b.add(L.almaty(2026, 11, 25), author: "coordinator", .stockCounted(StockCount(item: "syringe-1ml", counted: 60)))
        r["R6"] = b.referral(L.almaty(2026, 11, 25, 14), "EEEE202", "hiv-test")
        b.update(L.almaty(2026, 11, 29), r["R6"]!, .lost)
        r["R7"] = b.referral(L.almaty(2026, 11, 26), "BBBB203", "hiv-test")
        b.update(L.almaty(2026, 11, 27), r["R7"]!, .accompanied)
        b.contact(L.almaty(2026, 11, 30, 23, 59), "EEEE202", items: ["syringe-1ml": 5])         // last minute
        // After the period.
        b.contact(L.almaty(2026, 12, 1, 0, 0), "AAAA185", items: ["syringe-1ml": 7])
        b.add(L.almaty(2026, 12, 5), .stockReceived(StockReceipt(item: "syringe-1ml", quantity: 10)))
        return (b.events, r)
    }()

    static var novemberLedger: LedgerState {
        LedgerState.fold(november.events, catalogue: Fixtures.catalogue, points: Fixtures.configuration.points)
    }

    /// Every client code that appears in the November fixture.
    static let novemberCodes = ["AAAA185", "BBBB203", "CCCC290", "DDDD101", "EEEE202", "FFFF299"]
}

/// A minimal RFC 4180 reader for checking CSV output.
enum CSVReader {
    static func parse(_ text: String) -> [[String]]? {
        var records: [[String]] = []
        var field = ""
        var record: [String] = []
        var inQuotes = false
        var chars = Array(text.unicodeScalars)[...]
        while let c = chars.popFirst() {
            if inQuotes {
                if c == "\"" {
                    if chars.first == "\"" { field.unicodeScalars.append("\""); chars.removeFirst() } else { inQuotes = false }
                } else { field.unicodeScalars.append(c) }
                continue
            }
            switch c {
            case "\"":
                guard field.isEmpty else { return nil }
                inQuotes = true
            case ",":
                record.append(field); field = ""
            case "\r":
                guard chars.popFirst() == "\n" else { return nil }
                record.append(field); field = ""
                records.append(record); record = []
            case "\n":
                return nil   // RFC 4180 lines end in CRLF
            default:
                field.unicodeScalars.append(c)
            }
        }
        guard !inQuotes, field.isEmpty, record.isEmpty else { return nil }
        return records
    }
}
