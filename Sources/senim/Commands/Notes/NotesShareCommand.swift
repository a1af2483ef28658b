import ArgumentParser
import Foundation
import SenimCore
import SenimStore

struct NotesShareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "share",
        abstract: "Write a file that lets the psychologists of another store read this store's confidential notes (psychologists who hold the key).",
        discussion: """
            LINE is the other store's `senim notes identity` line. Compare its fingerprint (printed \
            here) with the psychologist who sent it, by voice, before you send the file. The file is \
            sealed to that store's psychologists: its coordinator cannot open it. Share again after \
            this store is re-encrypted (`rekey` replaces the notes key).
            """)

    @OptionGroup var global: GlobalOptions

    @Option(name: .customLong("to"), help: ArgumentHelp("The other store's notes exchange line (senimnotes1:…).", valueName: "line"))
    var to: String

    @Option(name: .customLong("out"), help: ArgumentHelp("The share file to write (must not exist; never inside the store folder).", valueName: "file"))
    var out: String

    func run() throws {
        let url = URL(fileURLWithPath: Runtime.expand(out))
        // Like every output: never inside the store folder, never over an existing file, atomic.
        try OutputFile.check(url, storeDirectory: global.storeURL, force: false)
        try global.withSession { env, s in
            try Policy.require(s.role, .readConfidentialNotes)
            let bytes = try s.shareNotesKeys(to: to)
            try OutputFile.write(bytes, to: url, storeDirectory: global.storeURL, force: false)
            Out.line(env.t("cli.notes.shared", url.path, try StoreBridge.exchangeFingerprint(to)))
        }
    }
}
