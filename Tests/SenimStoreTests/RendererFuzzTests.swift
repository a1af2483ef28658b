import Foundation
import SenimCore
import Testing
@testable import SenimStore
import SenimTestSupport

/// Rendering is total: whatever values a store holds (written by an old version, a tampered
/// build, or before import validation existed), every listing, show and report renders
/// without trapping, and no control character reaches the terminal raw.
@Suite struct RendererFuzzTests {

    static let extremeTimes: [Timestamp] = [.max, .min, -1, 0, 884_541_000_000, -62_135_596_800, 253_402_300_800, 1_790_000_000]
    static let extremeDays: [DayNumber] = [.max, .min, -1, 0, 2_932_896]
    static let extremeQuantities: [Int32] = [.max, .min, 0, -1, 1]

    /// One store full of extreme values, saved directly (the store itself does not judge content).
    func hostileStore(seed: UInt64) throws -> URL {
        var g = SplitMix(seed: seed)
        let dir = TestSupport.freshStore()
        let s = try TestSupport.open(dir)
        defer { s.close() }
        func pick<T>(_ a: [T]) -> T { a[Int(g.next() % UInt64(a.count))] }
        let code = UIC(normalised: "ABCD160")
        var events: [Event] = []
        var n: UInt64 = 1
        func add(_ body: EventBody, at: Timestamp? = nil, site: String = TestSupport.point, author: String = "aigerim") {
            n += 1
            events.append(Event(id: EventID(high: 0xF000 + n, low: g.next()), at: at ?? pick(Self.extremeTimes), author: author,
                                device: s.device, site: site, body: body))
        }
        let notes = ["\u{1B}[2J\u{1B}]0;owned\u{07}", "\u{9B}31m red", "a\u{202E}evil", "line\nbreak\ttab\r", String(repeating: "ж", count: 5000)]
        add(.clientRegistered(code))
        add(.clientRegistered(UIC(normalised: "\u{1B}[31mX")))
        for _ in 0..<12 {
            add(.contactLogged(Contact(client: code, type: pick(["stationary", "nope"]),
                                       items: [ItemQuantity(item: pick(["needle", "naloxone", "unknown"]), quantity: pick(Self.extremeQuantities))],
                                       services: [pick(["hiv-test", "??"])], overdose: pick([nil, "reversed-naloxone", "zzz"]),
                                       note: pick(notes), packs: [pick(["standard", "\u{1B}x"])])))
            add(.stockReceived(StockReceipt(item: pick(["naloxone", "needle"]), quantity: pick(Self.extremeQuantities),
                                            lot: pick(notes), expires: pick(Self.extremeDays))))
            add(.stockCounted(StockCount(item: "naloxone", counted: pick(Self.extremeQuantities))))
            add(.stockWrittenOff(StockWriteOff(item: "naloxone", quantity: pick(Self.extremeQuantities), reason: .lost)))
            add(.stockTransferred(StockTransfer(item: "naloxone", quantity: pick(Self.extremeQuantities), to: pick(["temirtau", "almaty-central", "x"]))))
            add(.referralIssued(ReferralIssue(client: code, service: pick(["hiv-test", "nope"]), due: pick(Self.extremeDays), note: pick(notes))))
        }
        add(.userAdded(name: "\u{1B}[2Jevil", role: .coordinator))
        add(.clientsMerged(from: code, into: code))
        try s.save(events)
        return dir
    }

    @Test(arguments: [UInt64(1), 2, 3])
    func everyReadCommandRendersExtremeValuesWithoutTrapping(_ seed: UInt64) throws {
        let dir = try hostileStore(seed: seed)
        defer { TestSupport.cleanup(dir) }
        for args in CLIRead.commands {
            let r = try CLIRead.run(args, store: dir)
            #expect(r.status < 128 && r.status != 70, "senim \(args.joined(separator: " ")) seed \(seed): exit \(r.status)\n\(r.err.split(separator: "\n").filter { $0.contains("Sources/") || $0.contains("Fatal") }.prefix(12).joined(separator: "\n"))")
            #expect(!r.out.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x9B || $0.value == 0x07 || $0.value == 0x202E },
                    "senim \(args.joined(separator: " ")): a control character reached the terminal")
            #expect(!r.err.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x9B || $0.value == 0x07 },
                    "senim \(args.joined(separator: " ")) (stderr): a control character reached the terminal")
        }
    }
}
