import Testing
import SenimCore

@Suite struct PolicyTests {
    /// The whole table, written out: a change to the policy must change this test.
    static let expected: [Action: Set<Role>] = {
        let all: Set<Role> = [.worker, .psychologist, .coordinator]
        let coord: Set<Role> = [.coordinator]
        return [
            .logContact: all, .registerClient: all, .viewClients: all, .mergeClients: coord,
            .viewStock: all, .receiveStock: coord, .transferStock: coord, .confirmTransfer: all,
            .writeOffStock: coord, .countStock: coord,
            .issueReferral: all, .updateReferral: all, .viewReferrals: all,
            .readConfidentialNotes: [.psychologist], .writeConfidentialNotes: [.psychologist],
            .viewReports: all, .viewInternalReports: coord, .exportReports: coord, .exportLineList: coord,
            .manageUsers: coord, .changeOwnPassphrase: all,
            .backup: coord, .restore: coord, .compact: coord, .rekey: coord, .verify: all, .sync: coord,
            .syncExport: all, .amendRecords: all, .unmergeClients: coord,
        ]
    }()

    @Test func everyActionForEveryRole() {
        #expect(Set(Self.expected.keys) == Set(Action.allCases))
        for action in Action.allCases {
            for role in Role.allCases {
                #expect(Policy.allows(role, action) == Self.expected[action]!.contains(role), "\(role) \(action)")
            }
        }
    }

    @Test func coordinatorsCannotReadConfidentialNotes() {
        #expect(!Policy.allows(.coordinator, .readConfidentialNotes))
        #expect(throws: Message("policy.denied", "coordinator", "readConfidentialNotes")) {
            try Policy.require(.coordinator, .readConfidentialNotes)
        }
    }

    @Test func validatorEnforcesRoles() throws {
        let v = Fixtures.validator
        #expect(throws: Message.self) { try v.receive(item: "needle", quantity: 5, lot: nil, expires: nil, ctx: Fixtures.ctx(.worker)) }
        #expect(throws: Message.self) { try v.addUser("bob", role: .worker, ctx: Fixtures.ctx(.psychologist)) }
        #expect(throws: Message.self) {
            try v.mergeClients("MAIV285", into: "MAIB285", ctx: Fixtures.ctx(.worker), known: { _ in true }, canonical: { $0 })
        }
        _ = try v.receive(item: "needle", quantity: 5, lot: nil, expires: nil, ctx: Fixtures.ctx(.coordinator))
    }
}
