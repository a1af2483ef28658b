import Foundation
import SenimCore

/// The one place that calls the reports module (`Reports.export`).
enum ReportsBridge {
    /// Returns the report text; the notes that go beside it are printed to stderr.
    static func run(period: String, point: String?, by: ReportByOption?, format: ReportFormatOption,
                    suppress: Bool, lineList: Bool, session: any StoreSession, env: CLIEnvironment) throws -> String {
        let p = try ReportPeriod.parse(period, timeZone: env.configuration.reporting.timeZone)
        let request = ReportRequest(period: p, point: point, by: by.flatMap { Disaggregation(rawValue: $0.rawValue) },
                                    format: ReportFormat(rawValue: format.rawValue) ?? .table,
                                    suppress: suppress, lineList: lineList)
        let out = try Reports.export(request, ledger: session.ledger, configuration: env.configuration,
                                     role: session.role, language: env.language)
        for n in out.noteTexts(env.strings, env.language) { Out.error(n) }
        return out.text
    }
}
