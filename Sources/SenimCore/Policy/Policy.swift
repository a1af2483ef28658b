/// Everything a user can do that the role policy decides.
public enum Action: String, CaseIterable, Sendable, Hashable {
    case logContact, registerClient, viewClients, mergeClients
    case viewStock, receiveStock, transferStock, confirmTransfer, writeOffStock, countStock
    case issueReferral, updateReferral, viewReferrals
    case readConfidentialNotes, writeConfidentialNotes
    case viewReports, viewInternalReports, exportReports, exportLineList
    case manageUsers, changeOwnPassphrase
    case backup, restore, compact, rekey, verify, sync
    /// Show this store's sync identity and export a sync bundle to a trusted peer (outreach
    /// laptops send their work in). Trusting peers and importing bundles stay `.sync`.
    case syncExport
    /// Correct or void a record; whose records and how old is decided by `Policy.mayAmend`.
    case amendRecords
    case unmergeClients
}

/// Who may do what. Coordinators manage users, stock corrections and exports; only peer
/// psychologists read and write confidential referral notes (coordinators included are not).
public enum Policy {
    public static func allows(_ role: Role, _ action: Action) -> Bool {
        switch action {
        case .logContact, .registerClient, .viewClients, .viewStock, .confirmTransfer,
             .issueReferral, .updateReferral, .viewReferrals, .viewReports, .changeOwnPassphrase, .verify,
             .syncExport, .amendRecords:
            return true
        case .readConfidentialNotes, .writeConfidentialNotes:
            return role == .psychologist
        case .mergeClients, .unmergeClients, .receiveStock, .transferStock, .writeOffStock, .countStock,
             .viewInternalReports, .exportReports, .exportLineList, .manageUsers,
             .backup, .restore, .compact, .rekey, .sync:
            return role == .coordinator
        }
    }

    /// Throws `policy.denied` naming the role and the action.
    public static func require(_ role: Role, _ action: Action) throws(Message) {
        guard allows(role, action) else { throw Message("policy.denied", role.rawValue, action.rawValue) }
    }

    /// The action an event needs from its author.
    public static func action(for body: EventBody) -> Action {
        switch body {
        case .clientRegistered: .registerClient
        case .contactLogged: .logContact
        case .stockReceived: .receiveStock
        case .stockTransferred: .transferStock
        case .stockTransferReceived: .confirmTransfer
        case .stockWrittenOff: .writeOffStock
        case .stockCounted: .countStock
        case .referralIssued: .issueReferral
        case .referralUpdated: .updateReferral
        case .referralNoteAdded: .writeConfidentialNotes
        case .clientsMerged: .mergeClients
        case .userAdded, .userRemoved, .userPointSet: .manageUsers
        case .clientProfileSet, .incidentRecorded, .activityRecorded: .logContact
        case .contactCorrected, .recordVoided: .amendRecords
        case .clientUnmerged: .unmergeClients
        }
    }

    /// Who may correct or void `target`: a coordinator any record at any time; anyone else
    /// only their own records, of a kind their role may write, at most `windowDays` days
    /// after the record's time. Throws a message naming the reason.
    public static func requireAmend(role: Role, user: String, target: AmendTarget, now: Timestamp,
                                    windowDays: Int) throws(Message) {
        try require(role, .amendRecords)
        if role == .coordinator { return }
        guard allows(role, target.action) else {
            throw Message("policy.amend.kind", role.rawValue, target.kind)
        }
        guard target.author == user else { throw Message("policy.amend.notOwn", target.author) }
        guard now - target.at <= Timestamp(windowDays) * 86_400 else {
            throw Message("policy.amend.tooOld", String(windowDays))
        }
    }
}
