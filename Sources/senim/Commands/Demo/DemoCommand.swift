import ArgumentParser
import Foundation
import SenimCore

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Create a demo store with realistic synthetic data and open the TUI on it.",
        discussion: """
            By default the store goes in a new temporary folder; it is never created over an existing \
            store (exit 73). It has two trust points (one mobile), a coordinator, two outreach workers \
            and a peer psychologist (names and passphrases are printed), about 300 clients and six months \
            of contacts, stock and referrals. --no-tui only creates it and prints where it is and the \
            passphrases (--json for scripts).
            """)

    @Option(name: .customLong("store"), help: ArgumentHelp("Create the demo store here (a new or empty folder).", valueName: "dir"))
    var store: String?

    @Option(name: .customLong("lang"), help: ArgumentHelp("Language: en, ru or kk (default: from LANG).", valueName: "lang"))
    var lang: Language?

    @Option(name: .customLong("config"), help: ArgumentHelp("The configuration folder.", valueName: "dir"))
    var config: String?

    @Flag(name: .customLong("no-tui"), help: "Only create the store and print its location and passphrases.")
    var noTUI = false

    @Flag(name: .customLong("json"), help: "With --no-tui: print the location and users as JSON.")
    var json = false

    @Option(name: .customLong("seed"), help: "Seed of the synthetic data (default: random).")
    var seed: UInt64?

    @Option(name: .customLong("contacts"), help: "How many contacts to generate.")
    var contacts = 3_600

    @Option(name: .customLong("clients"), help: "How many client codes to generate.")
    var clients = 300

    func validate() throws {
        if contacts < 0 || contacts > 200_000 { throw ValidationError("--contacts must be 0…200000") }
        if clients < 1 || clients > 20_000 { throw ValidationError("--clients must be 1…20000") }
    }

    struct DemoUser: Encodable {
        var name: String
        var role: String
        var point: String
        var passphrase: String
    }

    struct JSONDemo: Encodable {
        var store: String
        var users: [DemoUser]
        var events: Int
        var contacts: Int
    }

    func run() throws {
        let env = try Runtime.load(configDirectory: config, language: lang)
        Runtime.environment = env
        let dir = try Self.directory(store)
        var rng = SystemRandomNumberGenerator()
        let points = env.configuration.points.points
        let fixed = points.first { $0.kind == .stationary } ?? points[0]
        let mobile = points.first { $0.kind == .mobile && $0.id != fixed.id } ?? points.first { $0.id != fixed.id } ?? fixed
        let users = [("dana", Role.coordinator, fixed.id), ("aigerim", .worker, fixed.id),
                     ("timur", .worker, mobile.id), ("saule", .psychologist, fixed.id)].map {
            DemoUser(name: $0.0, role: $0.1.rawValue, point: $0.2, passphrase: Self.passphrase(using: &rng))
        }
        let testing = Runtime.testingKDF
        let coordinator = try StoreBridge.create(at: dir, user: users[0].name, passphrase: users[0].passphrase, point: fixed.id,
                                                 configuration: env.configuration, testingKDF: testing)
        do {
            defer { coordinator.close() }
            for u in users.dropFirst() {
                try coordinator.addUser(name: u.name, role: Role(rawValue: u.role)!, passphrase: u.passphrase, testingKDF: testing, oneTime: false)
            }
        }
        // The psychologist's session can seal confidential notes; importing takes events of any author.
        let psy = try StoreBridge.open(at: dir, user: users[3].name, passphrase: users[3].passphrase,
                                       configuration: env.configuration)
        defer { psy.close() }
        let now = Date()
        let days = 183
        let plan = SyntheticPlan(
            seed: seed ?? rng.next(), start: Timestamp(now.timeIntervalSince1970) - Timestamp(days - 1) * 86_400, days: days,
            contacts: contacts, clients: clients, sites: Array(Set([fixed.id, mobile.id])).sorted(),
            staff: users.map { .init(name: $0.name, role: Role(rawValue: $0.role)!, site: $0.point) }, device: psy.device)
        var bar = ProgressBar(total: contacts, label: env.t("cli.demo.progress"))
        var done = 0
        let summary = try SyntheticData.generate(plan, configuration: env.configuration, batchSize: 50_000,
                                                 seal: { try psy.sealNote($0) }) { batch in
            let upToNow = batch.filter { $0.at <= Timestamp(now.timeIntervalSince1970) }
            _ = try psy.bulkImport(upToNow)
            done += upToNow.lazy.filter { if case .contactLogged = $0.body { true } else { false } }.count
            bar.update(done)
        }
        // The session closes next; the next open folds the store, so no fold here.
        bar.finish()
        if json && noTUI {
            return try Out.json(JSONDemo(store: dir.path, users: users, events: psy.eventCount, contacts: summary.contacts))
        }
        Out.line(env.t("cli.demo.created", dir.path, String(summary.contacts), String(psy.eventCount)))
        var t = Table([env.t("cli.col.user"), env.t("cli.col.role"), env.t("cli.col.point"), env.t("cli.col.passphrase")])
        for u in users { t.add([u.name, env.t("role." + u.role), u.point, u.passphrase]) }
        Out.line(t.render())
        Out.line(env.t("cli.demo.open", dir.path))
        if noTUI { return }
        psy.close()
        // The TUI takes the whole screen: let the user note a passphrase first.
        if Terminal.stdinIsTTY && Terminal.stdoutIsTTY {
            FileHandle.standardOutput.write(Data((env.t("cli.demo.pressEnter") + " ").utf8))
            _ = readLine()
        }
        let code = try TUIBridge.run(env: env, store: dir, initialUser: users[1].name)
        if code != 0 { throw ExitCode(code) }
    }

    /// A new temporary folder, or the given one if it is new or empty (never over a store).
    static func directory(_ given: String?) throws -> URL {
        let fm = FileManager.default
        if let given {
            let url = URL(fileURLWithPath: Runtime.expand(given))
            if StoreBridge.exists(at: url) { throw CLIFailure(Message("cli.store.exists", url.path), .cannotCreate) }
            if let contents = try? fm.contentsOfDirectory(atPath: url.path), !contents.isEmpty {
                throw CLIFailure(Message("cli.demo.notEmpty", url.path), .cannotCreate)
            }
            return url
        }
        var template = Array((NSTemporaryDirectory() + "/senim-demo-XXXXXX").utf8CString)
        guard let p = mkdtemp(&template) else { throw CLIFailure(Message("cli.io", "mkdtemp"), .ioError) }
        return URL(fileURLWithPath: String(cString: p))
    }

    /// Four short words: easy to type during a demo.
    static func passphrase<G: RandomNumberGenerator>(using g: inout G) -> String {
        let words = ["alma", "tau", "kol", "dala", "zhol", "kun", "ai", "su", "orman", "tas", "bulak", "samal",
                     "sary", "kok", "ak", "kara", "zhel", "kar", "kys", "zhaz", "kuz", "koktem", "nan", "shai"]
        return (0..<4).map { _ in words[Int(g.next() % UInt64(words.count))] }.joined(separator: "-")
    }
}
