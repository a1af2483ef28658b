import Foundation
import SenimCore
import Testing
@testable import SenimTUI
import SenimTestSupport

/// 80×24 text snapshots of every screen in every language. Golden files live in
/// Tests/SenimTUITests/Snapshots/<screen>.<lang>.txt; regenerate with
/// `SENIM_UPDATE_SNAPSHOTS=1 swift test --filter SnapshotTests` and review the diff.
@Suite struct SnapshotTests {
    static let screens = [
        "unlock", "unlock-wrong", "home", "home-coordinator", "home-psychologist",
        "contact-empty", "contact-filled", "contact-new-client", "contact-builder", "contact-note-iin",
        "clients", "client-card", "client-card-corrected", "void-confirm", "contact-large-confirm", "referrals", "referral-detail-psychologist", "referral-update-form",
        "stock-levels", "stock-movements", "stock-transit", "stock-receive-form",
        "reports", "users", "user-remove-confirm", "settings", "help-contact", "quit-confirm", "too-small",
        "first-login", "notes-access", "notes-grant-confirm",
        "contact-referral", "contact-similar-pick", "home-focused", "duplicates", "duplicate-merge-confirm", "client-card-merged",
        "user-removed-rekey",
        "incident-form", "activity-form",
        "home-contacts-picked", "home-correction-reason", "home-void-reason", "stock-receive-expiring", "stock-movements-voided", "stocktake-dated",
        "contact-overdose-form", "contact-details", "contact-confirmatory-referral", "contact-new-profile",
        "stock-lots", "stock-writeoff-lot", "duplicates-merged", "unmerge-confirm", "user-add-form",
        "store", "store-backup-form", "store-backed-up", "store-verified-damage", "store-backup-refused", "busy-backup",
        "sync", "sync-trust-form", "sync-untrust-confirm", "sync-imported", "sync-import-refused", "busy-import", "unlock-busy",
    ]

    static func setUp(_ name: String, _ d: inout Driver) {
        switch name {
        case "unlock": break
        case "unlock-wrong":
            d.press(Key.typing("nope") + [.enter])
        case "home": d.login()
        case "home-coordinator": d.login("bolat")
        case "home-psychologist": d.login("dana")
        case "contact-empty":
            d.login(); d.press(.function(2))
        case "contact-filled":
            d.login(); d.press(.function(2)); d.type("MAIV"); d.press([.enter, .char("1"), .char("5"), .down, .char("+"), .tab, .char(" "), .tab, .right, .tab, .tab])
            d.type("Asked about OAT")
        case "contact-new-client":
            d.login(); d.press(.function(2)); d.type("ASBE290"); d.press(.enter)
        case "contact-builder":
            d.login(); d.press(.function(2)); d.press(.function(3)); d.type("Мадина"); d.press(.tab); d.type("Әлихан"); d.press(.tab); d.type("ж")
        case "contact-note-iin":
            d.login(); d.press(.function(2)); d.type("MAIV"); d.press([.enter, .char("1"), .tab, .tab, .tab, .tab]); d.type("ИИН 900101300126"); d.press(.enter)
        case "clients":
            d.login(); d.press(.function(3))
        case "client-card":
            d.login(); d.press(.function(3)); d.press(.char("/")); d.type("MAIV"); d.press([.enter, .enter])
        case "client-card-corrected":
            d.login(); CorrectionFlowTests.logContact(&d, syringes: 100); CorrectionFlowTests.openCard(&d)
            d.press(.char("e")); d.press(Array(repeating: Key.pageDown, count: 9)); d.press([.function(2), .function(2)])
        case "void-confirm":
            d.login(); CorrectionFlowTests.openCard(&d); d.press(.char("x")); d.press(.function(2))
        case "home-contacts-picked":
            d.login(); d.press([.tab, .down])
        case "home-correction-reason":
            d.login(); HomeCorrectionFlowTests.logAndFocus(&d, syringes: 100); d.press(.char("e"))
            d.press(Array(repeating: Key.pageDown, count: 9)); d.press(.function(2)); d.press(.right)
        case "home-void-reason":
            d.login(); d.press([.tab, .down, .char("x"), .right, .right])
        case "stock-receive-expiring":
            d.login("bolat"); d.press(.function(5)); d.press([.function(2), .tab]); d.type("500")
            d.press([.tab, .tab]); d.type("2026-06-09"); d.press(.function(2))
        case "user-add-form":
            d.login("bolat"); d.press([.function(7), .function(2)]); d.type("timur"); d.press([.tab, .tab, .right])
        case "duplicates-merged":
            d.login("bolat"); d.press([.char("c"), .function(4), .function(2), .char("y")])
        case "unmerge-confirm":
            d.login("bolat"); d.press([.char("c"), .function(4), .function(2), .char("y"), .function(5)])
        case "stock-lots":
            d.login("bolat"); d.press(.function(5)); d.press(Self.downTo("naloxone") + [.enter])
        case "stock-writeoff-lot":
            d.login("bolat"); d.press(.function(5)); d.press(Self.downTo("naloxone") + [.enter, .function(4)]); d.type("3")
        case "stock-movements-voided":
            d.login("bolat"); d.press(.function(5)); d.press(.function(7)); d.press([.char("x"), .right, .function(2), .char("y"), .down])
        case "contact-overdose-form":
            d.login(); d.press(.function(2)); d.type("MAIV"); d.press([.enter, .tab, .tab, .right, .right, .char("d"), .right, .right])
        case "contact-details":
            d.login(); d.press(.function(2)); d.type("MAIV")
            d.press([.enter, .tab, .char(" "), .char("d"), .right, .right, .function(2), .tab, .right, .right, .char("d"),
                     .right, .right, .right, .tab, .tab, .right, .tab, .right, .function(2)])
        case "contact-confirmatory-referral":
            d.login(); d.press(.function(2)); d.type("MAIV"); d.press([.enter, .tab, .char(" "), .char("d"), .right, .right, .function(2), .function(2)])
        case "contact-new-profile":
            d.login(); d.press(.function(2)); d.press(.function(3)); d.type("Anna"); d.press(.tab); d.type("Ivan"); d.press(.tab)
            d.type("f"); d.press(.tab); d.type("1990"); d.press([.enter, .char("y")])
        case "stocktake-dated":
            d.login("bolat"); d.press(.function(5)); d.press(.function(5)); d.type("480"); d.press(.up)
            d.press(.ctrl("u")); d.type("2026-05-19 09:15")
        case "contact-large-confirm":
            d.login(); CorrectionFlowTests.logContact(&d, syringes: 250)
        case "referrals":
            d.login(); d.press(.function(4)); d.press(.function(4))
        case "referral-detail-psychologist":
            d.login("dana"); d.press(.function(4))
            let list = Screens.referralList(d.model)
            let i = list.firstIndex { $0.service == "peer-psychologist" }!
            d.press(Array(repeating: Key.down, count: i) + [.enter])
        case "referral-update-form":
            d.login(); d.press(.function(4)); d.press(.function(2))
        case "stock-levels":
            d.login("bolat"); d.press(.function(5))
        case "stock-movements":
            d.login("bolat"); d.press(.function(5)); d.press(.function(7))
        case "stock-transit":
            d.login("bolat"); d.press(.function(5)); d.press([.function(7), .function(7)])
        case "stock-receive-form":
            d.login("bolat"); d.press(.function(5)); d.press([.down, .down, .function(2)]); d.type("500")
        case "reports":
            d.login("bolat"); d.press(.function(6))
        case "users":
            d.login("bolat"); d.press(.function(7))
        case "user-remove-confirm":
            d.login("bolat"); d.press(.function(7)); d.press([.function(8)])
        case "settings":
            d.login(); d.press(.function(8))
        case "help-contact":
            d.login(); d.press(.function(2)); d.press(.function(1))
        case "quit-confirm":
            d.login(); d.press(.function(2)); d.type("MAIV"); d.press(.function(10))
        case "user-removed-rekey":
            d.login("bolat"); d.press(.function(7))
            let i = d.model.users.accounts.firstIndex { $0.name == "aigerim" }!
            d.press(Array(repeating: Key.down, count: i - d.model.users.selection) + [.function(8), .char("y")])
        case "contact-referral":
            d.login(); d.press(.function(2)); d.type("MAIV"); d.press([.enter, .char("1"), .down, .down]); d.type("12")
            d.press([.tab, .char(" "), .down, .down, .down, .down, .down, .char("r")])
        case "contact-similar-pick":
            d.login(); d.press(.function(2)); d.type("ASBE290"); d.press([.enter, .char("1")])
        case "home-focused":
            d.login(); d.press([.tab, .tab, .down])
        case "duplicates":
            d.login("bolat"); d.press([.char("c"), .function(4)])
        case "duplicate-merge-confirm":
            d.login("bolat"); d.press([.char("c"), .function(4), .function(2)])
        case "client-card-merged":
            d.login("bolat"); d.press([.char("c"), .function(4), .function(2), .char("y"), .escape, .char("/")])
            d.type(SampleData.nearPair.1); d.press([.enter, .enter])
        case "too-small":
            d.login(); d.send(.resize(width: 60, height: 20))
        case "incident-form":
            d.login(); d.press([.char("i"), .right, .right])
        case "activity-form":
            d.login(); d.press([.char("t"), .tab]); d.type("12")
        case "first-login":
            d.store.oneTime.insert("aigerim"); d.login()
        case "notes-access":
            NotesAccessTUITests.addWaitingPsychologist(d.store)
            d.login("dana"); d.press(.function(7))
        case "notes-grant-confirm":
            NotesAccessTUITests.addWaitingPsychologist(d.store)
            d.login("dana"); d.press(.function(7))
            let i = d.model.notesAccess.rows.firstIndex { $0.name == "saule" }!
            d.press(Array(repeating: Key.down, count: i) + [.function(2)])
        case "store", "store-backup-form", "store-backed-up", "store-verified-damage", "store-backup-refused", "busy-backup",
             "sync", "sync-trust-form", "sync-untrust-confirm", "sync-imported", "sync-import-refused", "busy-import", "unlock-busy":
            StoreSyncFlowTests.snapshotSetUp(name, &d)
        default:
            Issue.record("no set-up for \(name)")
        }
    }

    /// ↓ from the first catalogue item to `item`.
    static func downTo(_ item: String) -> [Key] {
        Array(repeating: Key.down, count: Fixture.configuration.catalogue.items.firstIndex { $0.id == item }!)
    }

    static let directory: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots")
    static let updating = ProcessInfo.processInfo.environment["SENIM_UPDATE_SNAPSHOTS"] == "1"

    @Test(arguments: screens, Language.allCases)
    func snapshot(_ name: String, _ language: Language) throws {
        var d = Driver(language: language)
        Self.setUp(name, &d)
        let canvas = d.canvas
        let text = canvas.text + "\n"
        // Every row fits the terminal exactly (wide characters counted twice).
        for y in 0..<canvas.height {
            #expect(Width.of(canvas.row(y)) == canvas.width, "row \(y) of \(name).\(language) is not \(canvas.width) columns")
        }
        #expect(!text.contains("tui."), "an untranslated key shows in \(name).\(language)")
        let file = Self.directory.appendingPathComponent("\(name).\(language.rawValue).txt")
        if Self.updating {
            try FileManager.default.createDirectory(at: Self.directory, withIntermediateDirectories: true)
            try text.write(to: file, atomically: true, encoding: .utf8)
            return
        }
        guard let golden = try? String(contentsOf: file, encoding: .utf8) else {
            Issue.record("missing snapshot \(file.lastPathComponent): run with SENIM_UPDATE_SNAPSHOTS=1")
            return
        }
        if golden != text {
            let a = golden.split(separator: "\n", omittingEmptySubsequences: false)
            let b = text.split(separator: "\n", omittingEmptySubsequences: false)
            var diff = ""
            for i in 0..<max(a.count, b.count) {
                let x = i < a.count ? String(a[i]) : "", y = i < b.count ? String(b[i]) : ""
                if x != y { diff += "line \(i + 1):\n  want: \(x)\n  got:  \(y)\n" }
            }
            Issue.record("snapshot \(file.lastPathComponent) differs:\n\(diff)")
        }
    }
}
