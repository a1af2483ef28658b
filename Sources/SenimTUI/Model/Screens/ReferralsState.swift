import SenimCore

public enum ReferralFilter: String, CaseIterable, Sendable, Hashable {
    case open, all, issued, accompanied, attended, declined, lost
}

public enum DueFilter: String, CaseIterable, Sendable, Hashable {
    case any, overdue, week
}

public struct ReferralsState: Hashable, Sendable {
    public var filter: ReferralFilter = .open
    public var due: DueFilter = .any
    public var selection = 0
    public var detail: EventID?
    /// Opened confidential notes (psychologists only; forgotten on lock).
    public var notes: [EventID: [String]] = [:]
}
