import SenimCore

/// The slow operations that run off the UI loop (`Effect.isJob`).
public enum JobKind: String, Hashable, Sendable {
    case unlock, rekey, backup, verify, exportBundle, importBundle
}

/// A background job in progress. While it is set the TUI is modal: keys other than the panic
/// keys are ignored, and the view paints the title bar (with the clock) and this job's box, not
/// the screen beneath — so nothing reads the backend while the job uses it.
public struct Busy: Hashable, Sendable {
    public var kind: JobKind
    public var started: Timestamp
    /// Work done out of `total`; `total` 0 while the amount of work is unknown (a spinner then).
    public var done = 0
    public var total = 0
    /// Advances on every tick while the job runs (the spinner's frame).
    public var frame = 0
    public init(kind: JobKind, started: Timestamp) {
        self.kind = kind
        self.started = started
    }

    /// The fraction done, when known.
    public var fraction: Double? { total > 0 ? min(1, max(0, Double(done) / Double(total))) : nil }

    static let spinner: [Character] = ["|", "/", "-", "\\"]
    public var spinnerFrame: Character { Self.spinner[frame % Self.spinner.count] }
}
