import ArgumentParser
import Foundation
import SenimCore

struct CompactCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compact",
        abstract: "Rewrite the journal into one encrypted snapshot (coordinators).",
        discussion: "Crash-safe: the old files or the new ones, never neither. Opening also compacts a very long journal by itself.")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        try global.withSession { env, s in
            try Policy.require(s.role, .compact)
            try s.compact()
            Out.line(env.t("cli.compact.done", String(s.eventCount)))
        }
    }
}
