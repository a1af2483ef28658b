import SenimCore

public enum Dialog: Hashable, Sendable {
    case confirm(Confirm)
    case builder(Builder)
    case form(Form)
    case stocktake(Stocktake)
}

public struct Confirm: Hashable, Sendable {
    public var title: Message
    public var lines: [Message]
    public var action: ConfirmAction
    /// Destructive confirmations start on "No".
    public var yesFocused: Bool
}

public enum ConfirmAction: Hashable, Sendable {
    /// `similar` are the codes offered instead (digits 1… pick one).
    case newClient(UIC, similar: [UIC])
    /// Merge `from` into `into` (the second survives).
    case merge(from: UIC, into: UIC)
    /// Undo the merge of `from` into `into`.
    case unmerge(from: UIC, into: UIC)
    case quit
    case discardContact(then: ScreenID)
    case removeUser(String)
    /// Save the contact form although some quantities are above their usual maximum.
    case largeQuantities
    /// Void a record (contact, stock movement) for this reason.
    case void(EventID, AmendReason, String?)
    /// Receive a lot that is expired or expires within 30 days (the form stays open on "no").
    case expiringLot(Form, Draft)
    case resetPassphrase(String, passphrase: String)
    case grantNotes(String)
    /// Re-key the store (offered right after removing a user).
    case rekey
    /// Stop trusting a sync peer (destructive: starts on No).
    case untrustPeer(String)
}
