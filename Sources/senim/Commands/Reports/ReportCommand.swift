import ArgumentParser
import Foundation
import SenimCore
import SenimStore

enum ReportFormatOption: String, CaseIterable, ExpressibleByArgument {
    case table, csv, json
    case dhis2JSON = "dhis2-json"
    case dhis2CSV = "dhis2-csv"
}

enum ReportByOption: String, CaseIterable, ExpressibleByArgument {
    case sex, age, point, worker, type, gender, substance
}

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Programme indicators for a period (UNAIDS, WHO PRV.8–PRV.10, SHaRP), as a table, CSV, JSON or DHIS2.",
        discussion: """
            Periods: 2026 (year), 2026S2, 2026Q4, 2026-11 or 202611 (month), 2026W47 (ISO week), \
            2026-11-23 (day), or FROM..TO (two dates). Counts 1–4 are suppressed (with complementary \
            suppression) unless --no-suppress (internal use; coordinators). --line-list adds one line per \
            contact (coordinators; no notes). DHIS2 formats use the ids in Config/dhis2.json.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(name: .customLong("period"), help: ArgumentHelp("The reporting period.", valueName: "period"))
    var period: String

    @Option(name: .customLong("point"), help: ArgumentHelp("Only this trust point.", valueName: "id"))
    var point: String?

    @Option(name: .customLong("by"), help: ArgumentHelp("Disaggregate by sex, age (<25 / 25+), point, worker, type, gender or substance.", valueName: "dimension"))
    var by: ReportByOption?

    @Option(name: .customLong("format"), help: ArgumentHelp("table, csv, json, dhis2-json or dhis2-csv.", valueName: "format"))
    var format: ReportFormatOption = .table

    @Flag(name: .customLong("json"), help: "The same as --format json.")
    var json = false

    @Option(name: .customLong("output"), help: ArgumentHelp("Write to this file (atomically) instead of standard output.", valueName: "file"))
    var output: String?

    @Flag(name: .customLong("force"), help: "Replace the --output file if it exists (never a store file).")
    var force = false

    @Flag(name: .customLong("no-suppress"), help: "Show small counts (internal use only; coordinators).")
    var noSuppress = false

    @Flag(name: .customLong("line-list"), help: "Add the line list of contacts (coordinators).")
    var lineList = false

    func validate() throws {
        if json && format != .table && format != .json { throw ValidationError("--json conflicts with --format \(format.rawValue)") }
    }

    func run() throws {
        let outputURL = output.map { URL(fileURLWithPath: Runtime.expand($0)) }
        // Refused before the store is even unlocked: nothing is computed for a path that cannot be written.
        if let outputURL { try OutputFile.check(outputURL, storeDirectory: global.storeURL, force: force) }
        try global.withReadSession { env, s in
            try Policy.require(s.role, .viewReports)
            if let point { _ = try s.validator.point(point) }
            let text = try ReportsBridge.run(period: period, point: point, by: by, format: json ? .json : format,
                                             suppress: !noSuppress, lineList: lineList, session: s, env: env)
            if let output, let outputURL {
                try OutputFile.write(Array(text.utf8), to: outputURL, storeDirectory: global.storeURL, force: force)
                Out.error(env.t("cli.report.written", output))
            } else {
                // JSON escapes controls itself; tables and CSV through TerminalText.
                let shown = (json || format == .json || format == .dhis2JSON) ? TerminalText.escapeJSON(text) : TerminalText.escape(text)
                // By bytes: "\r\n" is one Character, so shown.hasSuffix("\n") is false for CSV's CRLF.
                FileHandle.standardOutput.write(Data((shown.utf8.last == UInt8(ascii: "\n") ? shown : shown + "\n").utf8))
            }
        }
    }
}
