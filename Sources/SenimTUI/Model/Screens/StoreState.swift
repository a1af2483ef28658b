import SenimCore

/// The Store screen (coordinators): backup and verify, and what the last one found.
public struct StoreState: Hashable, Sendable {
    public enum Result: Hashable, Sendable {
        case backup(BackupOutcome)
        case verify(VerifyOutcome)
        case failed(Message)
    }
    public var result: Result?
    /// The first result line shown (arrows scroll a long verify report).
    public var scroll = 0
}
