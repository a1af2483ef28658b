import SenimCore
import SenimTUI

/// Synthetic, deterministic data for tests, snapshots and the tmux harness: invented client
/// codes (random letters, no real names), contacts over the last two months, stock with a
/// naloxone lot close to expiry, transfers in transit, referrals (one with a conflict, one
/// with a confidential note).
public enum SampleData {
    /// Codes the tests rely on: a returning client, and a near-duplicate pair.
    public static let returningClient = "MAIV185"
    public static let nearPair = ("ASBO290", "ASBA290")
    public static let mainPoint = "almaty-central"

    public struct Contents {
        public var events: [Event]
        /// Confidential notes: sealed token → plaintext (for `InMemoryStore`).
        public var notes: [[UInt8]: String]
        public var accounts: [UserAccount: String]
    }

    /// Demo passphrases (never used for real stores).
    public static let accounts: [UserAccount: String] = [
        UserAccount(name: "aigerim", role: .worker): "aigerim-pass",
        UserAccount(name: "bolat", role: .coordinator): "bolat-pass",
        UserAccount(name: "dana", role: .psychologist): "dana-pass",
    ]

    public static func make(configuration: Configuration, now: Timestamp, utcOffset: Int, seed: UInt64 = 2026) -> Contents {
        var rng = SplitMix(seed: seed)
        var idSource = SplitMix(seed: seed ^ 0x1D)
        var events: [Event] = []
        var notes: [[UInt8]: String] = [:]
        var serial: UInt64 = 0
        let device = DeviceID(0xD3_30)
        let cat = configuration.catalogue
        func add(_ at: Timestamp, _ author: String, _ site: String, _ body: EventBody) -> EventID {
            serial += 1
            let id = EventID(high: idSource.next(), low: serial * 16)
            events.append(Event(id: id, at: at, author: author, device: device, site: site, body: body))
            return id
        }
        let day: Int64 = 86_400
        let start = now - 70 * day
        for (u, _) in accounts.sorted(by: { $0.key.name < $1.key.name }) {
            _ = add(start, "bolat", mainPoint, .userAdded(name: u.name, role: u.role))
        }
        // Clients: fixed codes the tests use, plus random ones.
        var codes = [returningClient, nearPair.0, nearPair.1, "ZAKA192", "DIER201"]
        let letters = Array("ABDEGIKLMNORSTUZ")
        while codes.count < 60 {
            var c = ""
            for _ in 0..<4 { c.append(letters[Int(rng.next() % UInt64(letters.count))]) }
            c += rng.next() % 3 == 0 ? "2" : "1"
            let y = 62 + Int(rng.next() % 43)   // born 1962…2004
            c += String(format2(y % 100))
            if !codes.contains(c), !codes.contains(where: { $0.hasPrefix(String(c.prefix(4))) }) { codes.append(c) }
        }
        let packs = cat.packs
        let workers = ["aigerim", "aigerim", "bolat"]
        var firstSeen: [String: Timestamp] = [:]
        for (i, code) in codes.enumerated() {
            let first = start + 2 * day + Int64(i) * 97 * 60 + Int64(rng.next() % 50) * day / 2
            firstSeen[code] = min(first, now - 3 * day)
            let site = i % 7 == 6 ? "temirtau" : mainPoint
            _ = add(firstSeen[code]!, workers[i % 3], site, .clientRegistered(UIC(normalised: code)))
        }
        // Contacts spread over the period; the returning client comes weekly.
        var contactTimes: [(Timestamp, String)] = []
        for (i, code) in codes.enumerated() {
            let visits = code == returningClient ? 8 : 1 + Int(rng.next() % 6)
            for v in 0..<visits {
                let span = max(day, now - day - firstSeen[code]!)
                let t = firstSeen[code]! + (code == returningClient ? Int64(v) * 7 * day : Int64(rng.next() % UInt64(span)))
                if t < now - day { contactTimes.append((t, code)) }
                _ = i
            }
        }
        // Today's contacts at the main point (local morning, before `now`).
        let today = Clock.day(now, utcOffset)
        let dayStart = Clock.start(of: today, utcOffset)
        let todayCodes = ["ZAKA192", "DIER201", codes[7], codes[9], codes[12]]
        for (i, code) in todayCodes.enumerated() {
            let t = dayStart + 9 * 3600 + Int64(i) * 47 * 60
            if t < now { contactTimes.append((t, code)) }
        }
        contactTimes.sort { $0.0 < $1.0 }
        for (n, (t, code)) in contactTimes.enumerated() {
            let p = packs[(code == returningClient ? 0 : Int(rng.next() % UInt64(packs.count)))]
            let site = codes.firstIndex(of: code)! % 7 == 6 ? "temirtau" : mainPoint
            let services = n % 9 == 0 ? ["hiv-test"] : n % 13 == 0 ? ["hcv-test", "tb-screening"] : []
            let overdose: String? = n % 41 == 5 ? "reversed-naloxone" : n % 53 == 7 ? "ambulance" : nil
            let note: String? = n % 17 == 3 ? "Asked about OAT in Temirtau" : nil
            _ = add(t, workers[n % 3], site, .contactLogged(Contact(
                client: UIC(normalised: code), type: site == "temirtau" ? "stationary" : (n % 5 == 0 ? "street" : "stationary"),
                items: p.sortedItems, services: services, overdose: overdose, note: note, packs: [p.id])))
        }
        // Stock received at the start: what was handed out plus a comfortable margin, except
        // pipes (left low), naloxone (a lot close to expiry) and filters (a discrepancy: more
        // was handed out than was ever received).
        var handedOut: [String: [String: Int]] = [:]
        for e in events {
            if case .contactLogged(let c) = e.body {
                for l in c.items { handedOut[e.site, default: [:]][l.item, default: 0] += Int(l.quantity) }
            }
        }
        for site in [mainPoint, "temirtau"] {
            for item in cat.items {
                let out = handedOut[site]?[item.id] ?? 0
                let margin: Int = switch item.id {
                case "pipe" where site == mainPoint: 13
                case "filter" where site == mainPoint: -6
                case "naloxone": 30
                default: (item.lowStock ?? 100) * 2 + 37
                }
                let q = Int32(max(0, out + margin))
                guard q > 0 else { continue }
                let lot = item.id == "naloxone" ? "NX-2291" : nil
                let expires: DayNumber? = item.id == "naloxone" ? today + 25 : nil
                _ = add(start + day, "bolat", site, .stockReceived(StockReceipt(item: item.id, quantity: q, lot: lot, expires: expires)))
            }
        }
        // Transfers: one on its way to the main point, one sent from it.
        _ = add(now - 2 * day, "bolat", "temirtau", .stockTransferred(StockTransfer(item: "naloxone", quantity: 10, to: mainPoint)))
        _ = add(now - day, "bolat", mainPoint, .stockTransferred(StockTransfer(item: "condom", quantity: 200, to: "almaty-mobile")))
        // Referrals.
        let services = ["hiv-test", "oat", "peer-psychologist", "legal-aid", "tb-screening", "mental-health", "shelter", "hcv-test"]
        var referralIDs: [EventID] = []
        for (i, s) in services.enumerated() {
            let client = UIC(normalised: codes[(i * 5) % codes.count])
            let issued = now - Int64(10 - i) * day
            let due = today + DayNumber(i - 3)
            let id = add(issued, workers[i % 3], mainPoint, .referralIssued(ReferralIssue(client: client, service: s, due: due)))
            referralIDs.append(id)
        }
        // One attended, one accompanied, one declined.
        _ = add(now - 5 * day, "aigerim", mainPoint, .referralUpdated(ReferralUpdate(referral: referralIDs[0], status: .attended, basedOn: referralIDs[0])))
        _ = add(now - 4 * day, "aigerim", mainPoint, .referralUpdated(ReferralUpdate(referral: referralIDs[3], status: .accompanied, note: "Went with the client", basedOn: referralIDs[3])))
        // A conflict: two points changed the same referral without seeing each other.
        _ = add(now - 3 * day, "aigerim", mainPoint, .referralUpdated(ReferralUpdate(referral: referralIDs[1], status: .accompanied, basedOn: referralIDs[1])))
        _ = add(now - 3 * day + 600, "bolat", "temirtau", .referralUpdated(ReferralUpdate(referral: referralIDs[1], status: .declined, basedOn: referralIDs[1])))
        // A confidential note on the peer-psychologist referral.
        var token: [UInt8] = Array("sample:".utf8)
        token.append(1)
        notes[token] = "Client wants weekly sessions; prefers mornings."
        _ = add(now - 2 * day, "dana", mainPoint, .referralNoteAdded(ConfidentialNote(referral: referralIDs[2], sealed: token)))
        return Contents(events: events, notes: notes, accounts: accounts)
    }

    private static func format2(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }

    /// An in-memory store filled with the sample data.
    public static func store(configuration: Configuration, now: Timestamp, utcOffset: Int,
                             clock: @escaping () -> Timestamp) -> InMemoryStore {
        let set = make(configuration: configuration, now: now, utcOffset: utcOffset)
        let s = InMemoryStore(configuration: configuration, point: mainPoint, events: set.events, accounts: set.accounts, clock: clock)
        for (k, v) in set.notes { s.notes[k] = v }
        return s
    }
}
