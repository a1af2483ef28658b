import SenimCore
@testable import SenimStore
import Testing

/// A trusted device that skipped the privacy guard (an old or altered build) cannot plant an
/// IIN, a phone number, an e-mail address, a handle, a name or a control character in another
/// store through a bundle (user names included).
@Suite struct SyncPrivacyTests {
    @Test(arguments: [
        ("contact", "ИИН 850101300124"), ("referral", "+7 701 123 45 67"), ("update", "ivan@mail.kz"), ("lot", "850101300124"),
        // Guard v2: what the sending device's (older) guard let through is refused here.
        ("contact", "ИИН 850101 300 125"), ("contact", "звонить 8/701/2345678"), ("update", "aigul at mail dot kz"),
        ("referral", "t.me/aigul_88"), ("referral", "Иван Петрович"), ("contact", "ok\u{202E}txt.exe"),
        ("user", "ai\u{202E}gul"), ("user", "900101300017"),
    ])
    func bundleWithIdentifyingTextIsRefusedWhole(field: String, text: String) throws {
        let client = UIC(normalised: "MAIV285")
        let ref = EventID(high: 9, low: 9)
        let body: EventBody = switch field {
        case "contact": .contactLogged(Contact(client: client, type: "stationary", note: text))
        case "referral": .referralIssued(ReferralIssue(client: client, service: "hiv-test", note: text))
        case "update": .referralUpdated(ReferralUpdate(referral: ref, status: .attended, note: text))
        case "user": .userAdded(name: text, role: .worker)
        default: .stockReceived(StockReceipt(item: "needle", quantity: 10, lot: text))
        }
        let clean = Event(id: EventID(high: 1, low: 1), at: 1_780_000_000, author: "aigerim", device: DeviceID(0xA1),
                          site: "almaty-central", body: .clientRegistered(client))
        let bad = Event(id: EventID(high: 2, low: 2), at: 1_780_000_100, author: "aigerim", device: DeviceID(0xA1),
                        site: "almaty-central", body: body)
        #expect(!bad.freeTexts.isEmpty)
        let peers = SyncPeers([("a", "almaty-central", [clean, bad]), ("b", "temirtau", [])])
        let bundle = try peers["a"].export(to: "b", mode: .all).bytes
        let store = peers.store("b")
        let before = store.snapshot
        do {
            _ = try peers["b"].importBundle(bundle)
            Issue.record("imported a bundle with identifying text in \(field)")
        } catch {
            guard case .identifyingText(let event, let finding) = error else { Issue.record("wrong error \(error)"); return }
            #expect(event == bad.id.short)
            #expect(!finding.contains("0101300"))   // masked, never echoed in full
        }
        #expect(store.snapshot == before)
        #expect(store.stored[clean.id] == nil)   // refused whole: not even the clean event
    }
}
