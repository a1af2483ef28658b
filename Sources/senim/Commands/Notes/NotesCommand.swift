import ArgumentParser

struct NotesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notes",
        abstract: "Access to confidential notes: who holds the key, and granting it (peer psychologists).",
        discussion: """
            The confidential-notes key reaches a peer psychologist only when one who holds it grants \
            it, never automatically. Before granting, compare the fingerprint `senim notes holders` \
            shows for the new account with the one the person reads from their own `senim notes \
            holders` (or the TUI), by voice.

            Across sites: each store keeps its own notes key. For psychologists at store B to read \
            the notes written at store A, a psychologist at B runs `senim notes identity` and reads \
            the line to a psychologist at A (fingerprint by voice), who runs `senim notes share --to \
            LINE --out FILE`; at B, `senim notes accept FILE`. Do it both ways. Notes then arrive with \
            ordinary sync bundles. See docs/sync.md.
            """,
        subcommands: [NotesHoldersCommand.self, NotesGrantCommand.self, NotesIdentityCommand.self, NotesShareCommand.self,
                      NotesAcceptCommand.self])
}
