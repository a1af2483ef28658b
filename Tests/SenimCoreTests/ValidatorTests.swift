import Testing
import SenimCore

@Suite struct ValidatorTests {
    let v = Fixtures.validator

    func contact(_ input: Validator.ContactInput, known: Bool = true, newClient: Bool = false,
                 near: [UIC] = []) throws(Message) -> [Event] {
        try v.contact(input, ctx: Fixtures.ctx(), known: { _ in known }, nearDuplicates: { _ in near }, newClient: newClient)
    }

    @Test func packExpandsInCatalogueOrderAndItemsOverride() throws {
        let events = try contact(.init(client: "maiv285", packs: ["injecting"], items: [("needle", 4), ("naloxone", 1)]))
        guard case .contactLogged(let c) = events.last?.body else { Issue.record("no contact"); return }
        #expect(c.client.code == "MAIV285")
        #expect(c.items.map(\.item) == ["syringe-2ml", "needle", "alcohol-wipe", "sterile-water", "cooker", "filter", "condom", "naloxone"])
        #expect(c.items.first { $0.item == "needle" }?.quantity == 4)
        #expect(c.packs == ["injecting"])
        #expect(c.type == "stationary")
    }

    @Test func packByKey() throws {
        let events = try contact(.init(client: "MAIV285", packs: ["3"]))
        guard case .contactLogged(let c) = events.last?.body else { Issue.record("no contact"); return }
        #expect(c.packs == ["smoking"])
    }

    @Test func negativeZeroAndAbsurdQuantitiesAreRefused() {
        #expect(throws: Message("validate.quantity.negative", "needle", "-5")) { try contact(.init(client: "MAIV285", items: [("needle", -5)])) }
        #expect(throws: Message("validate.quantity.negative", "needle", "0")) { try contact(.init(client: "MAIV285", items: [("needle", 0)])) }
        #expect(throws: Message("validate.quantity.absurd", "needle", "10001", "10000")) {
            try contact(.init(client: "MAIV285", items: [("needle", 10_001)]))
        }
        #expect(throws: Message.self) { try v.count(item: "needle", counted: -1, ctx: Fixtures.ctx(.coordinator)) }
    }

    @Test func unknownIdsAreRefusedWithTheKnownOnes() {
        #expect(throws: Message.self) { try contact(.init(client: "MAIV285", items: [("heroin", 1)])) }
        #expect(throws: Message.self) { try contact(.init(client: "MAIV285", services: ["x"])) }
        #expect(throws: Message.self) { try contact(.init(client: "MAIV285", packs: ["nope"])) }
        #expect(throws: Message.self) { try contact(.init(client: "MAIV285", type: "car", packs: ["1"])) }
        #expect(throws: Message.self) { try contact(.init(client: "MAIV285", overdose: "maybe")) }
        do {
            _ = try contact(.init(client: "MAIV285", items: [("heroin", 1)]))
        } catch {
            #expect(error.args.first == "heroin")
            #expect(error.args[1].contains("syringe-1ml"))
        }
    }

    @Test func emptyContactIsRefused() {
        #expect(throws: Message("validate.contact.empty")) { try contact(.init(client: "MAIV285")) }
    }

    @Test func unknownClientNeedsNewClientAndListsNearDuplicates() throws {
        #expect(throws: Message("validate.uic.unknown.near", "MAIV285", "MAIB285")) {
            try contact(.init(client: "MAIV285", packs: ["1"]), known: false, near: [UIC(normalised: "MAIB285")])
        }
        #expect(throws: Message("validate.uic.unknown", "MAIV285")) {
            try contact(.init(client: "MAIV285", packs: ["1"]), known: false)
        }
        let events = try contact(.init(client: "MAIV285", packs: ["1"]), known: false, newClient: true)
        #expect(events.count == 2)
        #expect(events[0].body == .clientRegistered(UIC(normalised: "MAIV285")))
        #expect(events[0].id != events[1].id)
    }

    @Test func invalidCodeSaysWhatIsExpected() {
        #expect(throws: Message.self) { try contact(.init(client: "hello", packs: ["1"])) }
        do { _ = try contact(.init(client: "hello", packs: ["1"])) } catch {
            #expect(error.key == "validate.uic.invalid")
            #expect(error.args[1] == "7")
        }
    }

    @Test func transferNeedsAnotherKnownPoint() {
        let c = Fixtures.ctx(.coordinator)
        #expect(throws: Message("validate.transfer.same")) { try v.transfer(item: "needle", quantity: 10, to: "almaty-central", ctx: c) }
        #expect(throws: Message.self) { try v.transfer(item: "needle", quantity: 10, to: "moon", ctx: c) }
    }

    @Test func everyShippedStringExistsInEveryLanguage() {
        let s = Fixtures.configuration.strings
        #expect(s.missingKeys().isEmpty)
        // A string may be deliberately blank (a column without a heading), but then in every
        // language; otherwise no language may leave it empty.
        for (k, v) in s.tables[.en]! {
            for lang in Language.allCases { #expect(s.tables[lang]![k]!.isEmpty == v.isEmpty, "\(lang) \(k)") }
        }
        // Russian and Kazakh must not simply copy English.
        let en = s.tables[.en]!, ru = s.tables[.ru]!, kk = s.tables[.kk]!
        let copiesRu = en.keys.filter { en[$0] == ru[$0] && en[$0]!.count > 12 }
        let copiesKk = en.keys.filter { en[$0] == kk[$0] && en[$0]!.count > 12 }
        #expect(copiesRu.isEmpty, "untranslated ru: \(copiesRu)")
        #expect(copiesKk.isEmpty, "untranslated kk: \(copiesKk)")
    }

    @Test func messageKeysUsedByTheCoreAreShipped() {
        let s = Fixtures.configuration.strings
        for key in ["privacy.iin", "privacy.phone", "privacy.email", "policy.denied", "validate.quantity.negative",
                    "validate.quantity.absurd", "validate.item.unknown", "validate.uic.invalid", "validate.uic.unknown",
                    "validate.uic.unknown.near", "validate.contact.empty", "uic.missing", "uic.sex", "uic.year"] {
            #expect(s.has(key), "\(key)")
        }
        #expect(Message("privacy.iin", "85••••••••24").text(s, .ru).contains("ИИН"))
    }

    @Test func catalogueValidationNamesTheField() {
        let json = #"{"items":[{"id":"Bad Id","names":{"en":"a","ru":"b","kk":"c"},"unit":{"en":"a","ru":"b","kk":"c"},"category":"injecting"}],"services":[{"id":"x","names":{"en":"a","ru":"b","kk":"c"}}],"contactTypes":[{"id":"x","names":{"en":"a","ru":"b","kk":"c"}}],"overdoseOutcomes":[{"id":"x","names":{"en":"a","ru":"b","kk":"c"}}]}"#
        #expect(throws: ConfigError.self) { try Catalogue.load(json: Data(json.utf8)) }
        do { _ = try Catalogue.load(json: Data(json.utf8)) } catch let e as ConfigError {
            #expect(e.file == "catalogue.json")
            #expect(e.field == "items[0].id")
        } catch { Issue.record("\(error)") }
        #expect(throws: ConfigError.self) { try Catalogue.load(json: Data("{".utf8)) }
    }

    @Test func shippedCatalogueHasWhatTheFieldNeeds() {
        let c = Fixtures.catalogue
        for id in ["syringe-1ml", "syringe-2ml", "syringe-5ml", "syringe-10ml", "insulin-syringe", "needle", "alcohol-wipe",
                   "condom", "lubricant", "sterile-water", "cooker", "filter", "foil", "pipe", "straw", "naloxone", "leaflet", "bandage"] {
            #expect(c.item(id) != nil, "\(id)")
        }
        for id in ["hiv-test", "hcv-test", "tb-screening", "sti", "oat", "peer-psychologist", "narcologist", "mental-health",
                   "legal-aid", "social-worker", "shelter", "srh"] {
            #expect(c.service(id) != nil, "\(id)")
        }
        #expect(Set(c.items.map(\.category)) == Set(Catalogue.Category.allCases))
        #expect(c.packForKey("1")?.id == "injecting")
    }
}

import Foundation
