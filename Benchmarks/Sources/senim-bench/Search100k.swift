import BenchCore
import Foundation
import SenimCore
import SenimStore

/// Prefix search as you type over 100 000 clients (codes from the synthetic generator).
enum Search100k {
    static func run() throws {
        let cfg = try loadConfiguration()
        let plan = SyntheticPlan(seed: BenchData.seed, start: BenchData.end - Timestamp(BenchData.days) * 86_400,
                                 days: BenchData.days, contacts: 1_000_000, clients: 135_000, staff: BenchData.staff(cfg),
                                 device: DeviceID(1), stock: false, referrals: false)
        var loader = LedgerLoader(catalogue: cfg.catalogue, points: cfg.points)
        _ = try SyntheticData.generate(plan, configuration: cfg) { events in
            var w = BinaryWriter(capacity: events.count * 150)
            for e in events { EventCodec.encode(e, into: &w) }
            try loader.load(encoded: w.bytes)
        }
        let ledger = loader.finish()
        Measure.searchFigures(ledger, prefix: "s100k")
    }
}

/// Saves only (for counting fsync system calls with `strace -c -f -e trace=fsync,fdatasync`).
enum SaveOnly {
    static func run(contacts n: Int, work: URL, saves: Int, sqlite: Bool) throws {
        let cfg = try loadConfiguration()
        let counting = CountingFileOperations(FileSystem.real.operations)
        let dir = try Fixtures.scratchCopy(work, n)
        defer { try? FileManager.default.removeItem(at: dir) }
        let s = try Session.open(at: dir, user: Fixtures.user, passphrase: Fixtures.passphrase,
                                 configuration: cfg, fileSystem: FileSystem(counting))
        let db = try SQLite(path: Fixtures.sqlitePath(work, n))
        try db.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;")
        print("SAVES-BEGIN"); flushOut()
        var times: [Double] = []
        if sqlite {
            var saver = try Measure.SQLiteSaver(db, s, cfg: cfg)
            for i in 0..<saves { times.append(try saver.save(i)) }
        } else {
            var saver = try Measure.SenimSaver(s, counting: counting)
            for i in 0..<saves { times.append(try saver.save(i)) }
        }
        print(times.map { String(format: "%.2f", $0 * 1e3) }.joined(separator: " "))
        print("SAVES-END"); flushOut()
        s.close()
    }
}
