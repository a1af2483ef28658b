import SenimCore

/// A small generic form (stock movements, referrals, users, passphrase).
public struct Form: Hashable, Sendable {
    public var kind: FormKind
    public var title: String
    public var fields: [FormField]
    public var focus = 0
    public var error: Message?
    /// What each field showed when the form opened (`Forms.opened`): a "When" left as it was
    /// means now.
    public var opened: [String: String] = [:]
    public init(kind: FormKind, title: String, fields: [FormField]) {
        self.kind = kind
        self.title = title
        self.fields = fields
    }
    public func value(_ id: String) -> String { fields.first { $0.id == id }?.string ?? "" }
}

public struct FormField: Hashable, Sendable {
    public var id: String
    /// A TUI string key.
    public var label: String
    public var value: FieldValue
    public init(_ id: String, _ label: String, _ value: FieldValue) {
        self.id = id
        self.label = label
        self.value = value
    }

    public var string: String {
        switch value {
        case .text(let t, _): return t.text
        case .choice(let cs, let i): return cs.indices.contains(i) ? cs[i].id : ""
        }
    }
}

public enum FieldValue: Hashable, Sendable {
    case text(TextField, numeric: Bool)
    case choice([Choice], Int)
}

public struct Choice: Hashable, Sendable {
    public var id: String
    public var label: Label
    public init(_ id: String, _ label: Label) {
        self.id = id
        self.label = label
    }
}

/// A label either from the TUI strings, from a localised catalogue name, or verbatim.
public enum Label: Hashable, Sendable {
    case key(String)
    case text(LocalizedText)
    case raw(String)
}

public enum FormKind: Hashable, Sendable {
    case receive, transfer, writeOff, count
    case issueReferral
    case updateReferral(EventID)
    case confidentialNote(EventID)
    case addUser
    case changePassphrase
    case resetPassphrase(String)
    case reportPeriod
    case reportExport
    /// Why a record is voided (the confirmation follows).
    case void(EventID)
    /// Why the contact on the contact form is corrected (saving follows).
    case correctionReason
    case incident
    case activity
    case profile(UIC)
    /// The overdose's kind and who came, for the contact form (nothing is saved by it).
    case overdoseDetail
    /// A rapid test's result on the contact form (catalogue service index).
    case testResult(Int)
    /// A new client's profile in the code-builder flow (kept on the contact form, saved with it).
    case newClientProfile(UIC)
    /// Which of a person's merged codes to split off (client card; a confirmation follows).
    case unmerge
    /// Where to write a backup (Store screen).
    case backupPath
    /// A peer's name and identity line (Sync screen).
    case trustPeer
    /// Where to write a bundle for this peer.
    case exportBundle(String)
    /// The bundle file to import.
    case importBundle
}
