/// Details a contact may carry besides items and services (docs/indicators.md, "Overdoses" and
/// "Rapid test results"): what kind of overdose or acute episode it was, who came, and the
/// results of rapid tests done on site. Stored in the contact's overdose field when any is set
/// (docs/file-format.md); contacts without them are encoded exactly as before.

/// What kind of overdose or acute episode was witnessed or reported.
public enum OverdoseKind: String, CaseIterable, Hashable, Sendable {
    case opioid
    /// Stimulant overdose (heart, seizures).
    case stimulant
    /// Overheating (hyperthermia), typical of stimulants and NPS.
    case overheating
    /// Stimulant or NPS psychosis.
    case psychosis
    case other
}

/// Who came to an overdose: the reason people avoid calling (002 §5.14).
public enum Responder: String, CaseIterable, Hashable, Sendable {
    case ambulanceCalled = "ambulance-called"
    /// An ambulance was offered or called and the person refused it.
    case ambulanceRefused = "ambulance-refused"
    case policeCame = "police-came"
}

/// The result of a rapid test (HIV, HCV) done at a contact.
public enum TestResult: String, CaseIterable, Hashable, Sendable {
    case nonReactive = "non-reactive"
    /// Needs a confirmatory test: the TUI and CLI propose a referral.
    case reactive
    case invalid
    case notDisclosed = "not-disclosed"
}

/// A rapid test's result: the service (a catalogue service with `"rapidTest": true`) and its result.
public struct ServiceResult: Hashable, Sendable {
    public var service: String
    public var result: TestResult
    public init(service: String, result: TestResult) {
        self.service = service
        self.result = result
    }
}

/// The optional details of a contact. Empty for almost every contact.
public struct ContactDetail: Hashable, Sendable {
    /// Only with an overdose outcome.
    public var overdoseKind: OverdoseKind?
    /// Only with an overdose outcome; each at most once.
    public var responders: [Responder]
    /// At most one per service; only for services the contact delivered.
    public var results: [ServiceResult]

    public init(overdoseKind: OverdoseKind? = nil, responders: [Responder] = [], results: [ServiceResult] = []) {
        self.overdoseKind = overdoseKind
        self.responders = responders
        self.results = results
    }

    public var isEmpty: Bool { overdoseKind == nil && responders.isEmpty && results.isEmpty }

    /// The result recorded for `service`, if any.
    public func result(of service: String) -> TestResult? { results.first { $0.service == service }?.result }
}
