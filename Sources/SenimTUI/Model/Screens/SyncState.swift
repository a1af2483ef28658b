import SenimCore

/// The Sync screen (coordinators): this store's identity, the trusted peers, the last
/// export's or import's summary.
public struct SyncState: Hashable, Sendable {
    public var overview: SyncOverview?
    public var selection = 0
    /// The last export or import: its summary lines, or what went wrong.
    public var result: [Message] = []
    public var resultFailed = false
}
