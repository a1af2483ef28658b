import ArgumentParser
import Foundation
import SenimCore

struct UICCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "uic",
        abstract: "Build a client code from the client's answers. Prints the code; stores nothing.",
        discussion: """
            The default formula (Config/uic.json) takes the first two letters of the mother's first name, \
            the first two of the father's first name, a sex digit and the two-digit birth year. Names may be \
            typed in Cyrillic, Kazakh or Latin letters. For a formula with other questions, give each answer \
            as --answer QUESTION=VALUE (question ids from Config/uic.json). Needs no store and no passphrase.
            """)

    @Option(name: .customLong("mother"), help: ArgumentHelp("Mother's first name.", valueName: "name"))
    var mother: String?

    @Option(name: .customLong("father"), help: ArgumentHelp("Father's first name.", valueName: "name"))
    var father: String?

    @Option(name: .customLong("sex"), help: ArgumentHelp("f or m (also ж/м, ә/е).", valueName: "f|m"))
    var sex: String?

    @Option(name: .customLong("birth-year"), help: ArgumentHelp("Year of birth, four digits.", valueName: "yyyy"))
    var birthYear: String?

    @Option(name: .customLong("answer"), help: ArgumentHelp("An answer to any formula question, as QUESTION=VALUE (repeatable).", valueName: "q=value"))
    var answers: [String] = []

    @Option(name: .customLong("lang"), help: ArgumentHelp("Language of messages: en, ru or kk.", valueName: "lang"))
    var lang: Language?

    @Option(name: .customLong("config"), help: ArgumentHelp("The configuration folder.", valueName: "dir"))
    var config: String?

    @OptionGroup var output: JSONFlag

    func run() throws {
        let env = try Runtime.load(configDirectory: config, language: lang)
        Runtime.environment = env
        let formula = env.configuration.uic
        var given: [String: String] = [:]
        let byKind: [UICFormula.QuestionKind: String?] = [.sex: sex, .year: birthYear]
        var names = [mother, father].makeIterator()
        for q in formula.questions {
            switch q.kind {
            case .name: if let n = names.next(), let n { given[q.id] = n }
            default: if let v = byKind[q.kind], let v { given[q.id] = v }
            }
        }
        for a in answers {
            guard let eq = a.firstIndex(of: "="), formula.questions.contains(where: { $0.id == a[..<eq] }) else {
                throw CLIFailure.usage("cli.uic.answer", PrivacyGuard.echo(a), formula.questions.map(\.id).joined(separator: ", "))
            }
            given[String(a[..<eq])] = String(a[a.index(after: eq)...])
        }
        let code: UIC
        do { code = try formula.build(answers: given) } catch {
            let prompt = formula.questions.first { q in
                if case .missingAnswer(let id) = error { return q.id == id }
                if case .noLetters(let id) = error { return q.id == id }
                return false
            }?.prompt[env.language]
            var m = error.message
            if let prompt, !m.args.isEmpty { m.args[0] = prompt }
            if case .missingAnswer = error { throw CLIFailure(m, .usage) }
            throw CLIFailure(m, .refused)
        }
        if output.json { try Out.json(["code": code.code]) } else { Out.line(code.code) }
    }
}
