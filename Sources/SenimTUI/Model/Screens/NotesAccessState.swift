import SenimCore

/// The Notes access screen (peer psychologists): who holds the notes key, who waits.
public struct NotesAccessState: Hashable, Sendable {
    public var rows: [NotesAccount] = []
    public var selection = 0
}
