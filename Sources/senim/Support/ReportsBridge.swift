import Foundation
import SenimCore

/// The one place that calls the reports module (`Reports.run`).
///
/// WAITING FOR SenimCore/Reports (not on main yet): refuses with `cli.unavailable` (exit 70).
enum ReportsBridge {
    static func run(period: String, point: String?, by: ReportByOption?, format: ReportFormatOption,
                    suppress: Bool, lineList: Bool, session: any StoreSession, env: CLIEnvironment) throws -> String {
        throw CLIFailure(Message("cli.unavailable", "SenimCore.Reports"), .software)
    }
}
