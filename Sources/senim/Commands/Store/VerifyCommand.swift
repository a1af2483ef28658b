import ArgumentParser
import Foundation
import SenimCore

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check every file of the store without changing anything.",
        discussion: "Exit 0 when everything is intact, 74 when something is damaged (then see `senim salvage`).")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: JSONFlag

    struct JSONReport: Encodable {
        struct Line: Encodable { var file: String; var ok: Bool; var text: String }
        var ok: Bool
        var events: Int
        var lines: [Line]
    }

    func run() throws {
        let env = try global.environment()
        let dir = global.storeURL
        guard StoreBridge.exists(at: dir) else { throw CLIFailure(Message("cli.store.none", dir.path), .noInput) }
        let user = try global.userName()
        let report = try StoreBridge.verify(at: dir, user: user, passphrase: try global.passphrase(for: user),
                                            configuration: env.configuration)
        if output.json {
            try Out.json(JSONReport(ok: report.ok, events: report.events,
                                    lines: report.lines.map { .init(file: $0.file, ok: $0.ok, text: $0.text) }))
        } else {
            for l in report.lines { Out.line("\(l.ok ? "ok " : "BAD") \(l.file): \(l.text)") }
            Out.line(env.t(report.ok ? "cli.verify.ok" : "cli.verify.bad", String(report.events)))
        }
        if !report.ok { throw ExitCode(ExitStatus.ioError.rawValue) }
    }
}
