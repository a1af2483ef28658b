import ArgumentParser
import Foundation
import SenimCore

struct DevSeedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed",
        abstract: "Fill the store with realistic synthetic data over the last two years (coordinators).",
        discussion: """
            Deterministic for a given --seed (same events, same ids). Events are saved in large batches; \
            a progress bar is drawn when standard error is a terminal. For benchmarks and tests: never \
            seed a store that holds real data.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(name: .customLong("contacts"), help: "How many contacts.")
    var contacts: Int

    /// As many client codes as contacts can use, and never more than the code space holds.
    static let maxClients = 10_000_000

    @Option(name: .customLong("clients"), help: "How many client codes (default: contacts / 20, at least 50).")
    var clients: Int?

    @Option(name: .customLong("seed"), help: "Seed of the generator.")
    var seed: UInt64 = 1

    @Option(name: .customLong("days"), help: "Spread over this many days up to today.")
    var days = 730

    @Option(name: .customLong("until"), help: ArgumentHelp("End the period on this day (YYYY-MM-DD) instead of today: same seed and day, same events.", valueName: "date"))
    var until: String?

    @Option(name: .customLong("batch"), help: .hidden)
    var batch = 131_072

    func validate() throws {
        if contacts < 0 || contacts > 50_000_000 { throw ValidationError("--contacts must be 0…50000000") }
        if let clients, clients < 1 { throw ValidationError("--clients must be at least 1") }
        if let clients, clients > Self.maxClients { throw ValidationError("--clients must be at most \(Self.maxClients)") }
        if days < 1 || days > 3_650 { throw ValidationError("--days must be 1…3650") }
        if let until, Dates.parseDay(until) == nil { throw ValidationError("--until '\(until)': expected a date YYYY-MM-DD") }
    }

    func run() throws {
        try global.withSession { env, s in
            guard s.role == .coordinator else { throw Message("policy.denied", s.role.rawValue, "seed") }
            let points = env.configuration.points.points.map(\.id)
            var staff: [SyntheticPlan.Staff] = []
            for (i, u) in s.users().enumerated() {
                staff.append(.init(name: u.name, role: u.role, site: u.name == s.user ? s.point : points[i % points.count]))
            }
            let started = Date()
            let now = Timestamp(started.timeIntervalSince1970)
            // The period: `days` calendar days ending today (or on --until), in Asia/Almaty.
            let lastDay = until.flatMap(Dates.parseDay) ?? Dates.today(started)
            let end = min(now, Timestamp(lastDay + 1) * 86_400)
            let firstDayNoon = (Timestamp(lastDay) - Timestamp(days - 1)) * 86_400 + 43_200
            let plan = SyntheticPlan(seed: seed, start: firstDayNoon, days: days, contacts: contacts,
                                     clients: clients ?? SyntheticPlan.defaultClients(forContacts: contacts),
                                     staff: staff, device: s.device)
            var bar = ProgressBar(total: contacts, label: env.t("cli.seed.progress"))
            var done = 0
            var saved = 0
            let summary = try SyntheticData.generate(plan, configuration: env.configuration, batchSize: max(1, batch),
                                                     seal: s.role == .psychologist ? { try s.sealNote($0) } : nil) { events in
                // Today's last hours may lie ahead of the clock: keep only what has happened.
                if let last = events.last, last.at > end { events.removeAll { $0.at > end } }
                saved += try s.bulkImport(events)
                done += events.lazy.filter { if case .contactLogged = $0.body { true } else { false } }.count
                bar.update(done)
            }
            // The session closes next; the next open folds the store (streaming), so no fold here.
            bar.finish()
            let seconds = Date().timeIntervalSince(started)
            Out.line(env.t("cli.seed.done", String(saved), String(summary.contacts), String(summary.registeredClients),
                           String(format: "%.1f", seconds), String(Int(Double(saved) / max(seconds, 0.001)))))
        }
    }
}
