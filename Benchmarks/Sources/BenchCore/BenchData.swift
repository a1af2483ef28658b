import SenimCore

/// The benchmark's data: `senim dev seed`'s generator (SenimCore/Synthetic) with a fixed seed
/// and a fixed end date, ten years of a busy programme (all trust points in Config/).
public enum BenchData {
    public static let seed: UInt64 = 2026
    /// 2026-05-28 (fixed, so every run sees the same events).
    public static let end: Timestamp = 1_780_000_000
    public static let days = 3_650

    public static func staff(_ cfg: Configuration) -> [SyntheticPlan.Staff] {
        var staff: [SyntheticPlan.Staff] = [
            .init(name: "coordinator", role: .coordinator, site: cfg.points.points[0].id),
            .init(name: "psychologist", role: .psychologist, site: cfg.points.points[0].id),
        ]
        for (i, p) in cfg.points.points.enumerated() {
            for k in 0..<3 { staff.append(.init(name: "worker\(i)\(k)", role: .worker, site: p.id)) }
        }
        return staff
    }

    public static func plan(contacts: Int, _ cfg: Configuration) -> SyntheticPlan {
        SyntheticPlan(seed: seed, start: end - Timestamp(days) * 86_400, days: days, contacts: contacts,
                      clients: SyntheticPlan.defaultClients(forContacts: contacts), staff: staff(cfg), device: DeviceID(0x5E41))
    }

    /// Streams the events in batches (fold order).
    public static func generate(contacts: Int, _ cfg: Configuration, batch: (inout [Event]) throws -> Void) throws -> SyntheticSummary {
        try SyntheticData.generate(plan(contacts: contacts, cfg), configuration: cfg, batchSize: 65_536, batch: batch)
    }

    /// All events encoded back to back (`EventCodec` records), without keeping the events.
    public static func encoded(contacts: Int, _ cfg: Configuration) throws -> (bytes: [UInt8], events: Int) {
        var w = BinaryWriter(capacity: contacts * 140 + 4096)
        var n = 0
        _ = try generate(contacts: contacts, cfg) { events in
            for e in events { EventCodec.encode(e, into: &w) }
            n += events.count
        }
        return (w.bytes, n)
    }

    public static func events(contacts: Int, _ cfg: Configuration) throws -> [Event] {
        var all: [Event] = []
        _ = try generate(contacts: contacts, cfg) { all.append(contentsOf: $0) }
        return all
    }
}
