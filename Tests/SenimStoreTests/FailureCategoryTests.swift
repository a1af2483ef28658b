import SenimCore
import SenimStore
import Testing

/// Errors carry their category from where they are made (the CLI's exit code follows from it,
/// `ExitStatus(category)`); the CLI subprocess tests check the codes end to end.
@Suite struct FailureCategoryTests {
    @Test func storeErrorsByKind() {
        #expect(StoreError.noStore(path: "/x").category == .noInput)
        #expect(StoreError.alreadyExists(path: "/x").category == .cannotCreate)
        #expect(StoreError.wrongPassphrase.category == .noPermission)
        #expect(StoreError.unknownUser("x").category == .noPermission)
        #expect(StoreError.inUse(pid: 7).category == .inUse)
        #expect(StoreError.damaged(file: "journal", detail: "").category == .ioError)
        #expect(StoreError.noSpace(path: "/x").category == .ioError)
        #expect(StoreError.unsupportedVersion(9).category == .ioError)
        #expect(StoreError.invalid(Message("store.user.notFound", "x")).category == .refused)
        #expect(StoreError.tooManySlots.category == .refused)
    }

    @Test func notAllowedSplitsPermissionFromRefusal() {
        // A role, notes-key or passphrase refusal is about who you are…
        for key in ["policy.denied", "store.notes.noKey", "store.notes.oneTime", "store.passphrase.mustChange",
                    "store.passphrase.currentWrong"] {
            #expect(StoreError.notAllowed(Message(key)).category == .noPermission, "\(key)")
        }
        // …the others about what is asked (the last notes holder needs --force).
        for key in ["store.notes.lastHolder", "store.closed", "store.readOnly", "store.user.removeSelf", "store.save.author"] {
            #expect(StoreError.notAllowed(Message(key)).category == .refused, "\(key)")
        }
    }

    @Test func syncErrorsAndCoreMessages() {
        #expect(SyncError.denied(role: .worker, action: .manageUsers).category == .noPermission)
        #expect(SyncError.unreadable(path: "/b").category == .noInput)
        #expect(SyncError.store("x").category == .ioError)
        #expect(SyncError.badSignature.category == .refused)
        #expect(Message("policy.denied", "worker", "manageUsers").category == .noPermission)
        #expect(Message("validate.quantity").category == .refused)
        // Anything else thrown below the interface still reaches the user as a message.
        struct Odd: Error {}
        #expect(Message.from(Odd()).key == "tui.error.unexpected")
        #expect(Message.from(StoreError.wrongPassphrase) == Message("store.error.credentials"))
    }
}
