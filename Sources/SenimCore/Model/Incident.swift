/// A rights violation near a trust point (police stop, confiscated syringes, detention…), the
/// barrier the source reports document most (004 §4; 002 §5.14). Anonymous: the code of the
/// person it happened to is optional. The event's site and time say where and when; reports
/// give only suppressed aggregates.
public enum IncidentKind: String, CaseIterable, Hashable, Sendable {
    case policeStop = "police-stop"
    case syringesConfiscated = "syringes-confiscated"
    case detention
    case forcedDrugTest = "forced-drug-test"
    case violence
    case serviceRefused = "service-refused"
}

public struct Incident: Hashable, Sendable {
    public var kind: IncidentKind
    public var client: UIC?
    public var note: String?
    public init(kind: IncidentKind, client: UIC? = nil, note: String? = nil) {
        self.kind = kind
        self.client = client
        self.note = note
    }
}

/// Information sessions and trainings: a participant count, never codes.
public enum ActivityKind: String, CaseIterable, Hashable, Sendable {
    case informationSession = "information-session"
    case training
}

public struct GroupActivity: Hashable, Sendable {
    public var kind: ActivityKind
    public var participants: Int32
    public init(kind: ActivityKind, participants: Int32) {
        self.kind = kind
        self.participants = participants
    }
    /// More people than this in one session is refused as a typo.
    public static let maxParticipants: Int32 = 10_000
}

/// An incident as the ledger keeps it.
public struct IncidentRecord: Hashable, Sendable {
    public var id: EventID
    public var at: Timestamp
    public var site: Int32
    public var author: Int32
    public var kind: IncidentKind
    /// Client index, or nil when not linked to a code.
    public var client: Int32?
    public var note: String?
}

/// A group activity as the ledger keeps it.
public struct ActivityRecord: Hashable, Sendable {
    public var id: EventID
    public var at: Timestamp
    public var site: Int32
    public var author: Int32
    public var kind: ActivityKind
    public var participants: Int32
}
