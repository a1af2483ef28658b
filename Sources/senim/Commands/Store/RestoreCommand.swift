import ArgumentParser
import Foundation
import SenimCore

struct RestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Restore a backup into the store folder.",
        discussion: """
            Refuses to replace an existing store (exit 73) unless --force; with --force you must \
            unlock the existing store as a coordinator, and the replacement is atomic. The restored \
            store opens with the passphrases that were valid when the backup was made.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The backup file.", valueName: "file"))
    var file: String

    @Flag(name: .customLong("force"), help: "Replace an existing store.")
    var force = false

    func run() throws {
        let env = try global.environment()
        let src = URL(fileURLWithPath: Runtime.expand(file))
        guard FileManager.default.fileExists(atPath: src.path) else {
            throw CLIFailure(Message("cli.file.missing", src.path), .noInput)
        }
        let dir = global.storeURL
        if StoreBridge.exists(at: dir) {
            guard force else { throw CLIFailure(Message("cli.store.exists.restore", dir.path), .cannotCreate) }
            // Only a coordinator of the store being replaced may replace it.
            try global.withSession { _, s in try Policy.require(s.role, .restore) }
        }
        try StoreBridge.restore(from: src, to: dir, force: force)
        Out.line(env.t("cli.restore.done", src.path, dir.path))
    }
}
