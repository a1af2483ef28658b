import ArgumentParser
import Foundation
import SenimCore

struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Write an encrypted one-file backup of the store (coordinators).",
        discussion: "The backup is written atomically and read back to check it. It opens with the passphrases valid today.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The backup file to write.", valueName: "file"))
    var file: String

    @Flag(name: .customLong("force"), help: "Replace the file if it exists (never a store file).")
    var force = false

    func run() throws {
        try global.withSession { env, s in
            try Policy.require(s.role, .backup)
            let url = URL(fileURLWithPath: Runtime.expand(file))
            try s.backup(to: url, force: force)
            Out.line(env.t("cli.backup.done", url.path, String(s.eventCount)))
        }
    }
}
