import SenimCore

/// The new-contact form: the screen outreach workers use most.
public struct ContactForm: Hashable, Sendable {
    public enum Section: Int, CaseIterable, Sendable, Hashable { case code, items, services, overdose, type, note }

    public var code = TextField(maxLength: 24)
    /// The client the code resolved to (known, or confirmed as new).
    public var resolved: UIC?
    public var isNew = false
    /// Known codes starting with what was typed (live matches) and, for a complete unknown
    /// code, codes one typo away.
    public var matches: [UIC] = []
    public var near: [UIC] = []
    public var matchIndex = 0
    public var section: Section = .code
    /// Quantity per catalogue item (catalogue order).
    public var quantities: [Int]
    /// Packs picked, in order, with repeats.
    public var packs: [String] = []
    /// Services given during this contact ("given today").
    public var services: [Bool]
    /// Services the client is referred to; each becomes a referral saved with the contact.
    public var referred: [Bool]
    /// Index into the catalogue's overdose outcomes, or -1 for none.
    public var overdose = -1
    /// With an overdose (`d` on its line): index into `OverdoseKind.allCases` or -1, and who
    /// came (one flag per `Responder.allCases`).
    public var overdoseKind = -1
    public var responders = [Bool](repeating: false, count: Responder.allCases.count)
    /// The code came from the code builder: a new client is asked for their profile next.
    public var fromBuilder = false
    /// A new client's profile from the code builder, saved with the contact (after the registration).
    public var profile: ClientProfile?
    /// Rapid test result per catalogue service (`d` on a ticked test): index into
    /// `TestResult.allCases`, or -1 for none.
    public var results: [Int]
    public var type: Int
    public var note = TextField(maxLength: 2000)
    public var itemCursor = 0
    public var serviceCursor = 0
    /// Set while the form edits an existing contact: saving records a correction of it.
    public var correcting: EventID?
    /// Where the edit started (Home's today list or the client card): saving goes back there.
    public var returnTo: ScreenID?
    /// The user confirmed quantities above the usual maximum for this save.
    public var confirmedLarge = false
    /// Set once the worker moves to an item: digits then type its quantity instead of adding
    /// packs. `typingQuantity` is set after the first digit, so the next ones append.
    public var itemPicked = false
    public var typingQuantity = false

    public init(catalogue: Catalogue, type: Int) {
        quantities = Array(repeating: 0, count: catalogue.items.count)
        services = Array(repeating: false, count: catalogue.services.count)
        referred = Array(repeating: false, count: catalogue.services.count)
        results = Array(repeating: -1, count: catalogue.services.count)
        self.type = type
    }

    /// The details as the contact will record them: kind and who came only with an outcome,
    /// results only for tests given today.
    public func detail(_ catalogue: Catalogue) -> ContactDetail {
        var d = ContactDetail()
        if overdose >= 0 {
            d.overdoseKind = OverdoseKind.allCases.indices.contains(overdoseKind) ? OverdoseKind.allCases[overdoseKind] : nil
            d.responders = zip(Responder.allCases, responders).filter(\.1).map(\.0)
        }
        for (i, r) in results.enumerated() where r >= 0 && services[i] && TestResult.allCases.indices.contains(r) {
            d.results.append(ServiceResult(service: catalogue.services[i].id, result: TestResult.allCases[r]))
        }
        return d
    }

    /// Whether anything was entered that saving would record (so leaving asks first).
    public var isDirty: Bool {
        !code.isEmpty || quantities.contains { $0 > 0 } || services.contains(true) || referred.contains(true) || overdose >= 0 || !note.isEmpty
    }
}
