import ArgumentParser
import Foundation
import SenimCore

struct NotesAcceptCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "accept",
        abstract: "Add the notes keys another store shared with this one, to read its confidential notes here (psychologists who hold the key).",
        discussion: "The keys only ever read notes: notes written here stay under this store's own key.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The share file (from `senim notes share`).", valueName: "file"))
    var file: String

    func run() throws {
        try global.withSession { env, s in
            try Policy.require(s.role, .readConfidentialNotes)
            let url = URL(fileURLWithPath: Runtime.expand(file))
            let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? nil
            guard let size else { throw CLIFailure(Message("cli.file.missing", url.path), .noInput) }
            guard size <= 64 * 1024, let data = FileManager.default.contents(atPath: url.path) else {
                throw CLIFailure(Message("store.notes.badShare"), .refused)
            }
            let n = try s.acceptNotesShare(Array(data))
            Out.line(n == 0 ? env.t("cli.notes.acceptedNothing") : env.t("cli.notes.accepted", String(n)))
        }
    }
}
