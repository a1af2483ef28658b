import BenchCore
import Foundation
import SenimCore
import SenimStore

let args = Array(CommandLine.arguments.dropFirst())
func option(_ name: String) -> String? {
    guard let i = args.firstIndex(of: name), i + 1 < args.count else { return nil }
    return args[i + 1]
}

let usage = """
    usage: senim-bench run [--scales 10000,100000,1000000] [--work DIR] [--saves N]
           senim-bench curve [--events 10000,100000,1000000,10000000] [--work DIR]
                                                  the scale curve: open, compaction, verify (time, peak memory) per scale of EVENTS
           senim-bench curve-fixture|curve-open --events N --work DIR   one scale of the curve (child process)
           senim-bench core [--contacts N]        decode / fold / load micro figures
           senim-bench loader [--contacts N]      LedgerLoader alone (for profiling)
           senim-bench measure --contacts N --work DIR [--saves N]   one scale (child process)
           senim-bench projected --contacts N     open cost with LedgerLoader in the read path (child process)
           senim-bench compact --contacts N --work DIR    compaction after 1 000 saves (child process; --events N for a curve store)
           senim-bench verify --contacts N --work DIR     verify (child process; --events N for a curve store)
           senim-bench report-cli|report-sqlite --contacts N --work DIR   the year report as a process
           senim-bench search100k                 prefix search over 100 000 clients (child process)
           senim-bench save --work DIR --contacts N [--saves N]      saves only (for strace -c)
           senim-bench open --contacts N --work DIR [--repeat K] [--fold]   open without the KDF, K times (min, median)
    """

do {
    let work = URL(fileURLWithPath: option("--work") ?? "/tmp/senim-bench")
    let saves = Int(option("--saves") ?? "") ?? 300
    switch args.first ?? "" {
    case "run":
        let scales = (option("--scales") ?? "10000,100000,1000000").split(separator: ",").compactMap { Int($0) }
        try Run.run(scales: scales, work: work, saves: saves)
    case "measure":
        guard let n = Int(option("--contacts") ?? "") else { throw BenchError("measure needs --contacts") }
        try Measure.run(contacts: n, work: work, saves: saves)
    case "projected":
        guard let n = Int(option("--contacts") ?? "") else { throw BenchError("projected needs --contacts") }
        try Projected.run(contacts: n, work: work)
    case "curve":
        let scales = (option("--events") ?? Curve.defaultScales.map(String.init).joined(separator: ","))
            .split(separator: ",").compactMap { Int($0) }
        try Curve.run(scales: scales, work: URL(fileURLWithPath: option("--work") ?? "/tmp/senim-scale"))
    case "curve-fixture":
        guard let n = Int(option("--events") ?? "") else { throw BenchError("curve-fixture needs --events") }
        try Curve.fixture(events: n, work: work)
    case "curve-open":
        guard let n = Int(option("--events") ?? "") else { throw BenchError("curve-open needs --events") }
        try Curve.open(events: n, work: work)
    case "compact":
        // A curve store is named by its events, a `run` store by its contacts: the same directory layout.
        guard let n = Int(option("--contacts") ?? option("--events") ?? "") else { throw BenchError("compact needs --contacts") }
        try Processes.compact(contacts: n, work: work, journal: Int(option("--journal") ?? "") ?? 1_000)
    case "verify":
        guard let n = Int(option("--contacts") ?? option("--events") ?? "") else { throw BenchError("verify needs --contacts") }
        try Processes.verify(contacts: n, work: work)
    case "report-cli":
        guard let n = Int(option("--contacts") ?? "") else { throw BenchError("report-cli needs --contacts") }
        try Processes.reportCLI(contacts: n, work: work)
    case "report-sqlite":
        guard let n = Int(option("--contacts") ?? "") else { throw BenchError("report-sqlite needs --contacts") }
        try Processes.reportSQLite(contacts: n, work: work)
    case "search100k":
        try Search100k.run()
    case "save":
        guard let n = Int(option("--contacts") ?? "") else { throw BenchError("save needs --contacts") }
        try SaveOnly.run(contacts: n, work: work, saves: saves, sqlite: args.contains("--sqlite"))
    case "frames":
        // The TUI frames alone at one scale (for profiling).
        guard let n = Int(option("--contacts") ?? "") else { throw BenchError("frames needs --contacts") }
        let cfg = try loadConfiguration()
        let s = try Session.open(at: Fixtures.storeDir(work, n), user: Fixtures.user, passphrase: Fixtures.passphrase, configuration: cfg)
        for _ in 0..<3 { print("first", try Dashboard.firstFrame(session: s, configuration: cfg) ?? (0, 0)) }
        for _ in 0..<(Int(option("--repeat") ?? "") ?? 1) {
            try Dashboard.frames(session: s, configuration: cfg) { k, v in print(k, v) }
        }
    case "open":
        guard let n = Int(option("--contacts") ?? "") else { throw BenchError("open needs --contacts") }
        try OpenRepeat.run(contacts: n, work: work, repeats: Int(option("--repeat") ?? "") ?? 5, fold: args.contains("--fold"))
    case "core":
        try CoreBench.run(contacts: Int(option("--contacts") ?? "") ?? 1_000_000)
    case "loader":
        try CoreBench.loaderOnly(contacts: Int(option("--contacts") ?? "") ?? 1_000_000)
    default:
        print(usage)
    }
} catch {
    FileHandle.standardError.write("senim-bench: \(error)\n".data(using: .utf8)!)
    exit(1)
}
