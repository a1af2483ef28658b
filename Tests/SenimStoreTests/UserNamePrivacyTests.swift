import SenimCore
@testable import SenimStore
import Testing

/// A user name is guarded like any free text, and two names that differ only by invisible
/// characters or compatibility forms are the same name.
@Suite struct UserNamePrivacyTests {
    @Test func lookAlikeNamesAndIdentifiersAreRefused() throws {
        let fs = TestSupport.memoryStore()
        let c = try TestSupport.open(TestSupport.memoryPath, fs: FileSystem(fs))
        defer { c.close() }
        #expect(c.users().map(\.name).contains("dana"))
        // Full-width letters fold to the existing name.
        #expect(throws: StoreError.invalid(Message("store.user.exists", "ＤＡＮＡ"))) {
            try c.addUser(name: "ＤＡＮＡ", role: .worker, passphrase: "x pass")
        }
        // A zero-width joiner or a bidi override inside a name: refused, shown by code point.
        #expect(throws: StoreError.invalid(Message("privacy.control", "U+200D"))) {
            try c.addUser(name: "da\u{200D}na", role: .worker, passphrase: "x pass")
        }
        #expect(throws: StoreError.invalid(Message("privacy.control", "U+202E"))) {
            try c.addUser(name: "saule\u{202E}", role: .worker, passphrase: "x pass")
        }
        // An IIN is not a user name, and the refusal does not repeat it.
        #expect(throws: StoreError.invalid(Message("privacy.iin", "90••••••••17"))) {
            try c.addUser(name: "900101300017", role: .worker, passphrase: "x pass")
        }
        #expect(!c.users().map(\.name).contains { PrivacyGuard.nameKey($0) == "dana" && $0 != "dana" })
    }
}
