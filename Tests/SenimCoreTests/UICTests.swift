import Testing
import SenimCore

@Suite struct UICTests {
    let f = Fixtures.formula

    @Test func buildsDefaultFormula() throws {
        let u = try f.build(answers: ["mother": "Мария", "father": "Иван", "sex": "ж", "birthYear": "1985"])
        #expect(u.code == "MAIV285")
    }

    @Test func cyrillicAndLatinGiveTheSameCode() throws {
        let a = try f.build(answers: ["mother": "Жанна", "father": "Шамиль", "sex": "m", "birthYear": "1990"])
        let b = try f.build(answers: ["mother": "Zhanna", "father": "Shamil", "sex": "м", "birthYear": "1990"])
        #expect(a == b)
        #expect(a.code == "ZASA190")
    }

    @Test(arguments: [
        ("Әсел", "Асель"), ("Ғалым", "Галым"), ("Қанат", "Канат"), ("Ңа", "На"), ("Өмір", "Омир"),
        ("Ұлан", "Улан"), ("Үміт", "Умит"), ("Һа", "Ха"), ("Іңкәр", "Инкар"),
    ])
    func kazakhLettersFoldToRussianOnes(kazakh: String, russian: String) {
        #expect(Letters.letters(of: kazakh) == Letters.letters(of: russian))
        #expect(!Letters.letters(of: kazakh).isEmpty)
    }

    @Test func softAndHardSignsAreNotLetters() {
        #expect(Letters.letters(of: "Ольга") == ["O", "L", "G", "A"])
        #expect(Letters.letters(of: "Объ") == ["O", "B"])
    }

    @Test func shortNamesArePadded() throws {
        let u = try f.build(answers: ["mother": "Я", "father": "Ли", "sex": "f", "birthYear": "2001"])
        #expect(u.code == "AXLI201")
    }

    @Test func typedCodesNormalise() {
        #expect(f.parse("маив285")?.code == "MAIV285")
        #expect(f.parse(" maiv-285 ")?.code == "MAIV285")
        #expect(f.parse("MAIV385") == nil)   // 3 is not a sex digit
        #expect(f.parse("MAI285") == nil)
        #expect(f.parse("MAIVV285") == nil)
        #expect(f.parse("") == nil)
    }

    @Test func badAnswersAreRefused() {
        #expect(throws: UICFormula.BuildError.missingAnswer(question: "father")) {
            try f.build(answers: ["mother": "Anna", "sex": "f", "birthYear": "1990"])
        }
        #expect(throws: UICFormula.BuildError.unknownSex("x")) {
            try f.build(answers: ["mother": "Anna", "father": "Ivan", "sex": "x", "birthYear": "1990"])
        }
        #expect(throws: UICFormula.BuildError.badYear("90")) {
            try f.build(answers: ["mother": "Anna", "father": "Ivan", "sex": "f", "birthYear": "90"])
        }
        #expect(throws: UICFormula.BuildError.noLetters(question: "mother")) {
            try f.build(answers: ["mother": "123", "father": "Ivan", "sex": "f", "birthYear": "1990"])
        }
    }

    @Test func sexAndBirthYearAreReadBack() throws {
        let u = UIC(normalised: "MAIV285")
        #expect(f.sex(of: u) == "f")
        #expect(f.birthYear(of: u, referenceYear: 2026) == 1985)
        #expect(f.birthYear(of: UIC(normalised: "MAIV105"), referenceYear: 2026) == 2005)
        #expect(f.birthYear(of: UIC(normalised: "MAIV126"), referenceYear: 2026) == 2026)
        #expect(f.birthYear(of: UIC(normalised: "MAIV127"), referenceYear: 2026) == 1927)
    }

    @Test func nearDuplicatesNeedSameSexAndYear() {
        let known = ["MAIV285", "MAIB285", "MAIV185", "MAIV286", "MIV285", "MAIVA285", "KOLA285"].map(UIC.init(normalised:))
        let near = f.nearDuplicates(of: UIC(normalised: "MAIV285"), among: known)
        #expect(near.map(\.code) == ["MAIB285", "MAIVA285", "MIV285"])
    }

    @Test func editDistance() {
        #expect(UIC.withinOneEdit("ABCD", "ABCD"))
        #expect(UIC.withinOneEdit("ABCD", "ABXD"))
        #expect(UIC.withinOneEdit("ABCD", "ABD"))
        #expect(UIC.withinOneEdit("ABD", "ABCD"))
        #expect(!UIC.withinOneEdit("ABCD", "BADC"))
        #expect(!UIC.withinOneEdit("ABCD", "AB"))
    }

    @Test func configErrorsNameFileAndField() throws {
        let bad = #"{"questions":[{"id":"m","kind":"name","prompt":{"en":"a","ru":"b","kk":"c"}}],"parts":[{"question":"x","take":2}]}"#
        #expect(throws: ConfigError(file: "uic.json", field: "parts[0].question", problem: "no question with id 'x'")) {
            try UICFormula.load(json: Data(bad.utf8))
        }
    }
}

import Foundation
