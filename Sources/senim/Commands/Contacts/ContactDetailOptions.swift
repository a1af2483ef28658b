import ArgumentParser
import Foundation
import SenimCore

extension OverdoseKind: ExpressibleByArgument {}
extension Responder: ExpressibleByArgument {}

/// What `contact add` and `contact correct` share for a contact's details: the overdose kind,
/// who came, rapid test results, and the confirmatory-test hint after a reactive result.
struct ContactDetailOptions: ParsableArguments {
    @Option(name: .customLong("overdose-kind"), help: ArgumentHelp(
        "With --overdose: opioid, stimulant, overheating, psychosis or other.", valueName: "kind"))
    var overdoseKind: OverdoseKind?

    @Option(name: .customLong("who-came"), help: ArgumentHelp(
        "With --overdose (repeatable): ambulance-called, ambulance-refused (by the person), police-came.", valueName: "who"))
    var whoCame: [Responder] = []

    @Option(name: .customLong("result"), help: ArgumentHelp(
        "A rapid test result, SERVICE=RESULT (repeatable): hiv-test or hcv-test = non-reactive, reactive, invalid, not-disclosed.",
        valueName: "test=result"))
    var results: [String] = []

    var isEmpty: Bool { overdoseKind == nil && whoCame.isEmpty && results.isEmpty }

    func validate() throws { _ = try parsedResults() }

    func parsedResults() throws -> [ServiceResult] {
        try results.map { s in
            let parts = s.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty, let r = TestResult(rawValue: parts[1]) else {
                throw ValidationError("--result '\(PrivacyGuard.echo(s))': expected SERVICE=RESULT, e.g. hiv-test=reactive "
                                      + "(results: \(TestResult.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            return ServiceResult(service: parts[0], result: r)
        }
    }

    /// The details of a new contact.
    func detail() throws -> ContactDetail {
        ContactDetail(overdoseKind: overdoseKind, responders: whoCame, results: try parsedResults())
    }

    /// The details of a corrected contact: what is given replaces what was there (results per test).
    func corrected(_ now: ContactDetail, clearOverdose: Bool, clearResults: Bool) throws -> ContactDetail {
        var d = now
        if clearOverdose { d.overdoseKind = nil; d.responders = [] }
        if clearResults { d.results = [] }
        if let k = overdoseKind { d.overdoseKind = k }
        if !whoCame.isEmpty { d.responders = whoCame }
        for r in try parsedResults() {
            if let i = d.results.firstIndex(where: { $0.service == r.service }) { d.results[i] = r } else { d.results.append(r) }
        }
        return d
    }

    /// After a save: a reactive result proposes a confirmatory test (a referral to the same service).
    static func printReactiveHints(_ c: Contact, _ env: CLIEnvironment) {
        for r in c.detail.results where r.result == .reactive {
            Out.error(env.t("cli.contact.reactiveHint", Amending.name(r.service, env), c.client.code, r.service))
        }
    }
}
