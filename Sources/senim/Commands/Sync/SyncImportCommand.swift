import ArgumentParser
import Foundation
import SenimCore

struct SyncImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a bundle from a trusted peer (progress bar on a terminal, summary after).")

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The bundle file.", valueName: "file"))
    var file: String

    func run() throws {
        try global.withSession { env, s in
            let url = URL(fileURLWithPath: Runtime.expand(file))
            guard FileManager.default.isReadableFile(atPath: url.path) else {
                throw CLIFailure(Message("cli.file.missing", url.path), .noInput)
            }
            let lines = try SyncBridge.importBundle(s, file: url, env: env)
            for l in lines { Out.line(l) }
        }
    }
}
