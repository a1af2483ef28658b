import BenchCore
import Foundation
import SenimCore
import SenimStore

/// The scale curve (issue 11): open, compaction and verify at 10 k … 10 M *events*, each in a
/// fresh process, with its time and peak resident memory (VmHWM). The unit is events, not
/// contacts: a store of N events holds the first N events of the benchmark's ten-year history
/// for N contacts (`Fixtures.seed` with `maxEvents`), so the last days of that plan are left out.
/// The fixtures live in their own work directory (`store-N-checkpoint`, the layout `Processes`
/// reads, but keyed by events): no SQLite database, no plaintext file.
enum Curve {
    static let defaultScales = [10_000, 100_000, 1_000_000, 10_000_000]
    /// Issue 11: "10 M must work within 4 GB" — for each of open, compaction and verify.
    static let boundMB = 4_096.0
    /// The journal is compacted after every this many events while seeding: a compaction
    /// merges the journal in memory, and the fixture should not need more than the measured
    /// processes do.
    static let seedCompactEvery = 1_000_000

    static func marker(_ work: URL, _ n: Int) -> URL { work.appendingPathComponent("curve-ready-\(n)") }
    /// The generator's settings: a store made under others is seeded again.
    static var seeded: String { "curve-" + Fixtures.version }
    /// … and the ledger checkpoint's layout: a store whose checkpoint is older is compacted again.
    static var version: String { seeded + "-ledger\(LedgerState.checkpointVersion)" }

    static func storeBytes(_ dir: URL) -> Double {
        Double(["keys", "snapshot", "journal"].reduce(0) {
            $0 + ((try? FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent($1).path)[.size] as? Int) ?? 0)
        })
    }

    /// Child process: seeds the store of `n` events and compacts it (with the ledger
    /// checkpoint), unless it is there already. Reports the seeding rate and the process peak.
    static func fixture(events n: Int, work: URL) throws {
        let cfg = try loadConfiguration()
        let fm = FileManager.default
        let dir = Fixtures.storeDir(work, n)
        let state = try? String(contentsOf: marker(work, n), encoding: .utf8)
        if state == version { return }
        if let state, state.hasPrefix(seeded + "-") {
            // Same events, an older checkpoint: open (folding, if the checkpoint is not read)
            // and compact, as `Fixtures.prepareCheckpointed` does.
            print("  compacting the \(n)-event store again (its checkpoint is of an older layout)…"); flushOut()
            let tc = try timed {
                let s = try Session.open(at: dir, user: Fixtures.user, passphrase: Fixtures.passphrase, configuration: cfg)
                try s.compact()
                s.close()
            }
            try version.write(to: marker(work, n), atomically: true, encoding: .utf8)
            Measure.emit("recompact_s", tc.wall)
            return
        }
        // Only a store this mode made (finished or not) is replaced: the same names in
        // `senim-bench run`'s work directory are keyed by contacts, not events.
        if fm.fileExists(atPath: dir.path) && state == nil {
            throw BenchError("\(dir.path) exists and is not a scale-curve fixture: use another --work directory")
        }
        try fm.createDirectory(at: work, withIntermediateDirectories: true)
        try "seeding".write(to: marker(work, n), atomically: true, encoding: .utf8)
        try? fm.removeItem(at: dir)
        print("  seeding \(n) events (the journal compacted every \(seedCompactEvery) events)…"); flushOut()
        let t0 = now()
        var last = t0, reported = 0
        let (s, events) = try Fixtures.seed(dir, contacts: n, cfg, maxEvents: n, compactEvery: seedCompactEvery) { batch in
            reported += batch.count
            if Double(now() - last) > 60e9 {
                last = now()
                print(String(format: "  … %d events, %.0f s, %.0f events/s", reported, Double(last - t0) / 1e9,
                             Double(reported) / (Double(last - t0) / 1e9))); flushOut()
            }
        }
        let seconds = Double(now() - t0) / 1e9
        let tc = try timed { try s.compact() }
        s.close()
        guard events == n else { throw BenchError("the generator gave \(events) events, not \(n): raise the contacts") }
        try version.write(to: marker(work, n), atomically: true, encoding: .utf8)
        Measure.emit("seed_events", Double(events))
        Measure.emit("seed_s", seconds)
        Measure.emit("seed_events_per_s", Double(events) / seconds)
        Measure.emit("seed_compact_s", tc.wall)
        Measure.emit("seed_rss_peak_mb", Double(memoryStatus().peak) / 1_048_576)
    }

    /// Child process: unlock + open of the compacted store (the ledger checkpoint plus an
    /// empty journal), as the TUI does on Enter (read-write; nothing is written).
    static func open(events n: Int, work: URL) throws {
        let cfg = try loadConfiguration()
        let base = memoryStatus()
        var session: Session?
        let t = try timed {
            session = try Session.open(at: Fixtures.storeDir(work, n), user: Fixtures.user, passphrase: Fixtures.passphrase,
                                       configuration: cfg)
        }
        guard let s = session else { throw BenchError("open failed") }
        let mem = memoryStatus()
        Measure.emit("open_s", t)
        Measure.emit("events", Double(s.eventCount))
        Measure.emit("clients", Double(s.ledger.clients.count))
        Measure.emit("open_base_rss_mb", Double(base.current) / 1_048_576)
        Measure.emit("open_rss_mb", Double(mem.current) / 1_048_576)
        Measure.emit("open_rss_peak_mb", Double(mem.peak) / 1_048_576)
        s.close()
    }

    /// One child process; a failure (a trap, an allocation that fails, a non-zero exit) is a
    /// result to print, not the end of the run.
    static func attempt(_ label: String, _ args: [String], into r: inout [String: Double], failures: inout [String]) {
        print("  \(label) (fresh process)…"); flushOut()
        do { r.merge(try Run.child(args)) { a, _ in a } } catch { failures.append("\(label): \(error)") }
    }

    static func run(scales: [Int], work: URL) throws {
        let startLoad = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3).joined(separator: " ") ?? "?"
        print("Senim scale curve — \(Date())")
        print("machine: \(Run.machine())")
        print("data: the first N events of SenimCore/Synthetic (seed \(BenchData.seed), \(BenchData.days) days ending 2026-05-28) for N contacts; work dir \(work.path)")
        var by: [Int: [String: Double]] = [:]
        var failed: [Int: [String]] = [:]
        for n in scales {
            var r: [String: Double] = [:], f: [String] = []
            let key = ["--events", "\(n)", "--work", work.path]
            attempt("fixture: \(n) events", ["curve-fixture"] + key, into: &r, failures: &f)
            if f.isEmpty {
                r["store_bytes"] = storeBytes(Fixtures.storeDir(work, n))
                attempt("open", ["curve-open"] + key, into: &r, failures: &f)
                attempt("compaction after 1 000 saved contacts", ["compact"] + key, into: &r, failures: &f)
                attempt("verify", ["verify"] + key, into: &r, failures: &f)
            }
            by[n] = r
            failed[n] = f
        }
        table(scales, by, failed, load: startLoad)
    }

    static func label(_ n: Int) -> String {
        n >= 1_000_000 ? "\(n / 1_000_000) M events" : n >= 1_000 ? "\(n / 1_000) k events" : "\(n) events"
    }

    static func table(_ scales: [Int], _ by: [Int: [String: Double]], _ failed: [Int: [String]], load: String) {
        let w = 21, lw = 40
        func row(_ name: String, _ f: ([String: Double], Int) -> String) {
            var line = name.padding(toLength: lw, withPad: " ", startingAt: 0)
            for n in scales { line += f(by[n] ?? [:], n).padding(toLength: w, withPad: " ", startingAt: 0) }
            print(line)
        }
        func mb(_ key: String) -> ([String: Double], Int) -> String { { r, _ in Run.fmt(r[key], "MB", digits: 0) } }
        /// Wall time, and the CPU time of the thread that ran it in brackets.
        func time(_ key: String) -> ([String: Double], Int) -> String {
            { r, _ in
                guard let v = r[key] else { return "—" }
                let c = r[String(key.dropLast(2)) + "_cpu_s"]
                func f(_ x: Double) -> String { v < 10 ? String(format: "%.0f", x * 1e3) : String(format: "%.1f", x) }
                return f(v) + (c.map { " (\(f($0)))" } ?? "") + (v < 10 ? " ms" : " s")
            }
        }
        /// Microseconds of CPU per event: flat along a row when the cost grows linearly.
        func perEvent(_ key: String) -> ([String: Double], Int) -> String {
            { r, n in (r[String(key.dropLast(2)) + "_cpu_s"] ?? r[key]).map { String(format: "%.2f µs", $0 / Double(n) * 1e6) } ?? "—" }
        }
        print("")
        print("Scale curve — the unit is EVENTS (stored events), not contacts; each cell a fresh process")
        var header = "".padding(toLength: lw, withPad: " ", startingAt: 0)
        for n in scales { header += label(n).padding(toLength: w, withPad: " ", startingAt: 0) }
        print(header)
        print(String(repeating: "-", count: lw + w * scales.count))
        row("events (opened) / clients", { r, _ in r["events"].map { "\(Int($0)) / \(Int(r["clients"] ?? 0))" } ?? "—" })
        row("store size (keys + snapshot + journal)", { r, _ in Run.fmt(r["store_bytes"], "MB", scale: 1 / 1_048_576) })
        row("fixture: seeding rate", { r, _ in r["seed_events_per_s"].map { String(format: "%.0f ev/s", $0) } ?? "(kept)" })
        print("Times: wall (CPU of the measuring thread); per event: CPU")
        print("Open: unlock (KDF) + open, from the checkpoint")
        row("  time", time("open_s"))
        row("  per event (KDF included)", perEvent("open_s"))
        row("  resident after open", mb("open_rss_mb"))
        row("  process peak resident", mb("open_rss_peak_mb"))
        print("Compaction (open, 1 000 saves, compact)")
        row("  time of the compaction", time("compact_s"))
        row("  per event", perEvent("compact_s"))
        row("  process peak resident", mb("compact_rss_peak_mb"))
        print("Verify (whole store, read only)")
        row("  time", time("verify_s"))
        row("  per event", perEvent("verify_s"))
        row("  process peak resident", mb("verify_rss_peak_mb"))
        // How each figure grew from the previous scale, beside how the events grew: a ratio
        // above the events' one is growth faster than linear.
        print("Growth from the previous scale: the figure's / the events' (faster than linear when the first is larger)")
        for (key, name) in [("open_cpu_s", "  open CPU"), ("open_rss_mb", "  resident after open"), ("open_rss_peak_mb", "  open peak"),
                            ("compact_cpu_s", "  compaction CPU"), ("compact_rss_peak_mb", "  compaction peak"),
                            ("verify_cpu_s", "  verify CPU"), ("verify_rss_peak_mb", "  verify peak")] {
            row(name, { r, n in
                guard let i = scales.firstIndex(of: n), i > 0, let v = r[key], let b = by[scales[i - 1]]?[key], b > 0 else { return "—" }
                return String(format: "%.1f× / %.0f×", v / b, Double(n) / Double(scales[i - 1]))
            })
        }
        for n in scales { for f in failed[n] ?? [] { print("FAILED at \(label(n)): \(f)") } }
        print("\nBound (issue 11: 10 M events within 4 GB for each of open, compaction, verify); load average at start \(load)")
        let big = scales.filter { $0 >= 10_000_000 }
        if big.isEmpty { print("  [----] 10 M events not measured in this run") }
        for n in big {
            let r = by[n] ?? [:]
            let peaks = ["open_rss_peak_mb", "compact_rss_peak_mb", "verify_rss_peak_mb"].map { r[$0] }
            let pass = (failed[n] ?? []).isEmpty && peaks.allSatisfy { $0.map { $0 <= boundMB } ?? false }
            let value = peaks.map { $0.map { String(format: "%.0f", $0) } ?? "—" }.joined(separator: " / ") + " MB (open / compaction / verify)"
            print("  [\(pass ? "PASS" : "MISS")] \(label(n)): peaks ≤ 4 096 MB".padding(toLength: 44, withPad: " ", startingAt: 0) + value)
        }
    }
}
