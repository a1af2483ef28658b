import BenchCore
import Foundation
import SenimCore
import SenimStore

/// What a coordinator runs, each as a whole process so that its memory peak and its cost from
/// process start to exit are its own (issue 11): compaction, verify, and the year report as
/// `senim report --period 2025 --format json` does it, beside SQLite answering the same
/// questions from a cold process.
enum Processes {
    /// Compaction of a scratch copy, after a journal of `journal` contacts saved on top of the
    /// snapshot (so the merge of journal and snapshot is exercised). Child process.
    static func compact(contacts n: Int, work: URL, journal: Int) throws {
        let cfg = try loadConfiguration()
        let dir = try Fixtures.scratchCopy(work, n)
        defer { try? FileManager.default.removeItem(at: dir) }
        let s = try Session.open(at: dir, user: Fixtures.user, passphrase: Fixtures.passphrase, configuration: cfg)
        let afterOpen = memoryStatus()
        var saver = try Measure.SenimSaver(s, counting: CountingFileOperations(FileSystem.real.operations))
        for i in 0..<journal { _ = try saver.save(i) }
        let t = try timed { try s.compact() }
        let mem = memoryStatus()
        Measure.emit("compact_s", t)
        Measure.emit("compact_open_rss_mb", Double(afterOpen.current) / 1_048_576)
        Measure.emit("compact_rss_peak_mb", Double(mem.peak) / 1_048_576)
        s.close()
    }

    /// `senim verify` on the fixture store (read only). Child process.
    static func verify(contacts n: Int, work: URL) throws {
        let cfg = try loadConfiguration()
        var report: VerifyReport?
        let t = try timed {
            report = try Session.verify(at: Fixtures.storeDir(work, n), user: Fixtures.user, passphrase: Fixtures.passphrase,
                                        configuration: cfg)
        }
        guard let report, report.ok else { throw BenchError("verify found problems:\n\(report?.description ?? "")") }
        Measure.emit("verify_s", t)
        Measure.emit("verify_rss_peak_mb", Double(memoryStatus().peak) / 1_048_576)
    }

    /// What `senim report --period 2025 --format json` does: unlock (KDF), open read-only,
    /// compute, render JSON, write it to standard output. Child process, timed from outside.
    static func reportCLI(contacts n: Int, work: URL) throws {
        let cfg = try loadConfiguration()
        let s = try Session.open(at: Fixtures.storeDir(work, n), user: Fixtures.user, passphrase: Fixtures.passphrase,
                                 configuration: cfg, readOnly: true)
        let request = ReportRequest(period: try ReportPeriod.year(2025, timeZone: cfg.reporting.timeZone), format: .json)
        let out = try Reports.export(request, ledger: s.ledger, configuration: cfg, role: s.role, language: .en)
        FileHandle.standardOutput.write(Data(out.text.utf8))
        s.close()
    }

    /// The same figures from SQLite, from a cold process: open the database, run the GROUP BY
    /// queries, print the result. Child process, timed from outside.
    static func reportSQLite(contacts n: Int, work: URL) throws {
        let cfg = try loadConfiguration()
        let year = try ReportPeriod.year(2025, timeZone: cfg.reporting.timeZone)
        let db = try SQLite(path: Fixtures.sqlitePath(work, n))
        let sum = try Relational.yearReport(db, start: year.startTimestamp, end: year.endTimestamp,
                                            windows: year.days / ReportingConfig.regularAccessWindowDays)
        print(sum)
    }

    /// Wall time of a whole child process (spawn to exit), its output discarded.
    static func wall(_ args: [String]) throws -> Double {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        p.arguments = args
        p.standardOutput = FileHandle.nullDevice
        let t0 = now()
        try p.run()
        p.waitUntilExit()
        let t = Double(now() - t0) / 1e9
        guard p.terminationStatus == 0 else { throw BenchError("child \(args.joined(separator: " ")) failed (\(p.terminationStatus))") }
        return t
    }

    /// The year report as processes, interleaved Senim / SQLite, median of `runs` each.
    static func reportProcesses(contacts n: Int, work: URL, runs: Int = 5) throws -> [String: Double] {
        var senim: [Double] = [], sqlite: [Double] = []
        let a = ["report-cli", "--contacts", "\(n)", "--work", work.path]
        let b = ["report-sqlite", "--contacts", "\(n)", "--work", work.path]
        _ = try wall(b)  // the database's first open builds nothing, but warms the page cache like the store's
        for _ in 0..<runs {
            senim.append(try wall(a))
            sqlite.append(try wall(b))
        }
        return ["report_process_s": Measure.percentile(senim, 0.5), "report_sqlite_process_s": Measure.percentile(sqlite, 0.5)]
    }
}
