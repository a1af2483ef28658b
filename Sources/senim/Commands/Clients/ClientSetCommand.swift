import ArgumentParser
import Foundation
import SenimCore

extension Substance: ExpressibleByArgument {}
extension Route: ExpressibleByArgument {}
extension OATStatus: ExpressibleByArgument {}
extension Gender: ExpressibleByArgument {}

struct ClientSetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set",
        abstract: "Record a client's substances, routes, OAT status or gender (non-identifying, changeable).",
        discussion: """
            Each option given replaces that part of the profile from now on; options not given stay as they were. \
            Repeat --substance and --route for several values; --substance none or --route none clears the list. \
            A client with no route recorded counts as injecting in reports (docs/indicators.md).
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The client's code.", valueName: "uic"))
    var uic: String

    @Option(name: .customLong("substance"),
            help: ArgumentHelp("Main substance: opioids, stimulants, nps, other, or none (repeatable).", valueName: "substance"))
    var substances: [String] = []

    @Option(name: .customLong("route"),
            help: ArgumentHelp("Route of use: injecting, smoking, sniffing, oral, or none (repeatable).", valueName: "route"))
    var routes: [String] = []

    @Option(help: ArgumentHelp("On opioid agonist therapy: yes, no, unknown.", valueName: "yes|no|unknown"))
    var oat: OATStatus?

    @Option(help: ArgumentHelp("Gender: woman, man, trans-woman, trans-man, non-binary, not-disclosed.", valueName: "gender"))
    var gender: Gender?

    @Option(name: .customLong("at"), help: ArgumentHelp("From when the profile holds (ISO 8601; default: now).", valueName: "time"))
    var at: String?

    func validate() throws {
        if let at, Dates.parseInstant(at) == nil { throw ValidationError("--at '\(at)': expected ISO 8601, e.g. 2026-11-23T14:05") }
    }

    /// `none` alone clears the list; otherwise every value must be one of the set.
    static func list<T: RawRepresentable & CaseIterable>(_ values: [String], _ field: String) throws -> [T]?
        where T.RawValue == String {
        guard !values.isEmpty else { return nil }
        if values == ["none"] { return [] }
        var out: [T] = []
        for v in values {
            guard let t = T(rawValue: v.lowercased()) else {
                throw CLIFailure.usage("cli.client.badValue", field, PrivacyGuard.echo(v),
                                       T.allCases.map(\.rawValue).joined(separator: ", ") + ", none")
            }
            out.append(t)
        }
        return out
    }

    func run() throws {
        let substances: [Substance]? = try Self.list(self.substances, "substance")
        let routes: [Route]? = try Self.list(self.routes, "route")
        try global.withSession { env, s in
            let when = try at.map { try TimeCheck.past($0) }
            let e = try s.validator.setProfile(client: uic, substances: substances, routes: routes, oat: oat, gender: gender,
                                               ctx: s.context(site: nil, at: when), known: s.knows)
            try s.save([e])
            if case .clientProfileSet(let p) = e.body {
                Out.line(env.t("cli.client.profileSet", p.client.code))
                if let state = s.ledger.profile(of: p.client) { Out.line(Self.describe(state, env: env)) }
            }
        }
    }

    /// One line: substances, routes, OAT, gender (en/ru/kk).
    static func describe(_ p: ProfileState, env: CLIEnvironment) -> String {
        func names<T: RawRepresentable>(_ set: [T], _ prefix: String) -> String where T.RawValue == String {
            set.isEmpty ? env.t("cli.client.profile.none") : set.map { env.t(prefix + $0.rawValue) }.joined(separator: ", ")
        }
        let substances = Substance.allCases.filter { p.substances.contains($0) }
        let routes = Route.allCases.filter { p.routes.contains($0) }
        return env.t("cli.client.profile", names(substances, "profile.substance."),
                     routes.isEmpty ? env.t("cli.client.profile.noRoute") : names(routes, "profile.route."),
                     p.oat.map { env.t("profile.oat." + $0.rawValue) } ?? env.t("profile.oat.unknown"),
                     p.gender.map { env.t("profile.gender." + $0.rawValue) } ?? env.t("cli.client.profile.none"))
    }
}
