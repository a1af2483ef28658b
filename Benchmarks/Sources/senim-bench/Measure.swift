import BenchCore
import Crypto
import CryptoExtras
import Foundation
import SenimCore
import SenimStore

/// Measurements at one scale, run in a fresh child process so memory peaks don't mix.
/// Prints `RESULT key value` lines for the parent.
enum Measure {
    static func emit(_ key: String, _ value: Double) { print("RESULT \(key) \(value)"); flushOut() }
    static func emit(_ key: String, _ t: (wall: Double, cpu: Double)) {
        emit(key, t.wall)
        emit(String(key.dropLast(2)) + "_cpu_s", t.cpu)
    }

    static func percentile(_ xs: [Double], _ p: Double) -> Double {
        let s = xs.sorted()
        guard !s.isEmpty else { return .nan }
        return s[min(s.count - 1, Int((Double(s.count - 1) * p).rounded()))]
    }

    static func run(contacts n: Int, work: URL, saves: Int) throws {
        let cfg = try loadConfiguration()
        let dir = try Fixtures.scratchCopy(work, n)
        defer { try? FileManager.default.removeItem(at: dir) }

        // 1. The KDF alone (the store's default parameters, as in every keyslot here).
        let kdf = KDFParameters.default
        let salt = [UInt8](repeating: 7, count: 32)
        let tKDF = try timed {
            _ = try KDF.Scrypt.deriveKey(from: Array(Fixtures.passphrase.utf8), salt: salt, outputByteCount: 32,
                                         rounds: 1 << Int(kdf.logN), blockSize: Int(kdf.r), parallelism: Int(kdf.p))
        }
        emit("kdf_s", tKDF)

        // 2. Open: unlock + read + decrypt + load the ledger.
        let counting = CountingFileOperations(FileSystem.real.operations)
        var session: Session?
        let tOpen = try timed {
            session = try Session.open(at: dir, user: Fixtures.user, passphrase: Fixtures.passphrase, configuration: cfg,
                                       fileSystem: FileSystem(counting))
        }
        guard let s = session else { throw BenchError("open failed") }
        emit("open_s", tOpen)
        emit("load_s", (max(0, tOpen.wall - tKDF.wall), max(0, tOpen.cpu - tKDF.cpu)))
        emit("events", Double(s.eventCount))
        emit("clients", Double(s.ledger.clients.count))
        emit("contacts", Double(s.ledger.contacts.count))

        // 3. First dashboard (the TUI's home screen), when SenimTUI provides one.
        if let t = try Dashboard.firstFrame(session: s, configuration: cfg) {
            emit("dashboard_s", t)
        }
        let mem = memoryStatus()
        emit("rss_peak_mb", Double(mem.peak) / 1_048_576)
        emit("rss_now_mb", Double(mem.current) / 1_048_576)

        // 4. The physical floor: read the store's files and decrypt as many bytes, in the
        // store's chunk size, with the store's cipher.
        try floor(dir: dir)

        // 5. Search as you type over this scale's clients.
        searchFigures(s.ledger, prefix: "search")

        // 6. TUI frames.
        try Dashboard.frames(session: s, configuration: cfg, emit: emit)
        try Dashboard.saveToSaved(session: s, configuration: cfg, count: 100, emit: emit)

        // 7. The year report: Senim vs SQLite.
        let year = try ReportPeriod.year(2025, timeZone: cfg.reporting.timeZone)
        var reportTimes: [Double] = [], reportCPU: [Double] = []
        for _ in 0..<5 {
            let t = timed {
                let r = Reports.compute(ledger: s.ledger, configuration: cfg, period: year, point: nil, by: nil)
                if r.tables.isEmpty { print("") }
            }
            reportTimes.append(t.wall)
            reportCPU.append(t.cpu)
        }
        emit("report_s", (percentile(reportTimes, 0.5), percentile(reportCPU, 0.5)))
        let db = try SQLite(path: Fixtures.sqlitePath(work, n))
        try db.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;")
        // Databases built by earlier versions of this benchmark get the covering index (untimed).
        try db.exec("CREATE INDEX IF NOT EXISTS contact_items_cover ON contact_items(contact, item, quantity); ANALYZE;")
        let windows = year.days / ReportingConfig.regularAccessWindowDays
        var sqlTimes: [Double] = [], sqlCPU: [Double] = []
        for _ in 0..<5 {
            let t = try timed {
                _ = try Relational.yearReport(db, start: year.startTimestamp, end: year.endTimestamp, windows: windows)
            }
            sqlTimes.append(t.wall)
            sqlCPU.append(t.cpu)
        }
        emit("report_sqlite_s", (percentile(sqlTimes, 0.5), percentile(sqlCPU, 0.5)))

        // 8. Durable save of one contact: Senim vs the same insert + commit in SQLite.
        try saveFigures(s, db: db, counting: counting, count: saves, cfg: cfg)
        s.close()

        // 9. The same open without a checkpoint (the seeded store's version-1 snapshot):
        // every event folded, as before issue 11's checkpoint. Last, so its memory peak does
        // not mix with the figures above.
        let foldDir = try Fixtures.scratchCopy(work, n, fold: true)
        defer { try? FileManager.default.removeItem(at: foldDir) }
        var folded: Session?
        let tFold = try timed {
            // Read-only: a writable open of a large folded store compacts it as it opens.
            folded = try Session.open(at: foldDir, user: Fixtures.user, passphrase: Fixtures.passphrase, configuration: cfg,
                                      readOnly: true)
        }
        emit("open_fold_s", tFold)
        emit("load_fold_s", (max(0, tFold.wall - tKDF.wall), max(0, tFold.cpu - tKDF.cpu)))
        emit("fold_store_bytes", Double(["keys", "snapshot", "journal"].reduce(0) {
            $0 + ((try? FileManager.default.attributesOfItem(atPath: foldDir.appendingPathComponent($1).path)[.size] as? Int) ?? 0)
        }))
        folded?.close()
    }

    static func floor(dir: URL) throws {
        let files = ["keys", "snapshot", "journal"].map { dir.appendingPathComponent($0) }
        var total = 0
        for f in files { total += (try? Data(contentsOf: f).count) ?? 0 }
        // Sealed chunks to open, made outside the timing.
        let key = SymmetricKey(size: .bits256)
        let chunk = 1 << 20
        var sealed: [ChaChaPoly.SealedBox] = []
        var left = total
        var plain = [UInt8](repeating: 0x5A, count: chunk)
        while left > 0 {
            let k = min(chunk, left)
            if k < chunk { plain = Array(plain.prefix(k)) }
            sealed.append(try ChaChaPoly.seal(plain, using: key))
            left -= k
        }
        let tRead = try timed {
            for f in files {
                guard let h = FileHandle(forReadingAtPath: f.path) else { continue }
                _ = try h.readToEnd()
                try h.close()
            }
        }
        let tDecrypt = try timed {
            for b in sealed { _ = try ChaChaPoly.open(b, using: key) }
        }
        emit("store_bytes", Double(total))
        emit("floor_read_s", tRead)
        emit("floor_decrypt_s", tDecrypt)
        emit("floor_s", (tRead.wall + tDecrypt.wall, tRead.cpu + tDecrypt.cpu))
    }

    /// Types codes one character at a time; every keystroke is one `clients(withPrefix:)`.
    static func searchFigures(_ ledger: LedgerState, prefix key: String) {
        var g = SystemRandomNumberGenerator()
        let codes = (0..<min(300, ledger.clients.count)).map { _ in ledger.clients.randomElement(using: &g)!.uic.code }
        var times: [Double] = []
        var found = 0
        for c in codes {
            var p = ""
            for ch in c {
                p.append(ch)
                times.append(seconds { found &+= ledger.clients(withPrefix: p).count })
            }
        }
        emit("\(key)_clients", Double(ledger.clients.count))
        emit("\(key)_ms_median", percentile(times, 0.5) * 1e3)
        emit("\(key)_ms_p99", percentile(times, 0.99) * 1e3)
        emit("\(key)_ms_max", (times.max() ?? 0) * 1e3)
        if found < 0 { print(found) }
    }

    static func saveFigures(_ s: Session, db: SQLite, counting: CountingFileOperations, count: Int, cfg: Configuration) throws {
        // Interleaved (Senim, SQLite, Senim, …) so both see the same disk and machine state.
        var saver = try SenimSaver(s, counting: counting)
        var lite = try SQLiteSaver(db, s, cfg: cfg)
        var senim: [Double] = [], sqlite: [Double] = []
        for i in 0..<count {
            senim.append(try saver.save(i))
            sqlite.append(try lite.save(i))
        }
        emit("save_ms_median", percentile(senim, 0.5) * 1e3)
        emit("save_ms_p99", percentile(senim, 0.99) * 1e3)
        emit("save_fsyncs", Double(saver.syncs) / Double(count))
        emit("sqlite_save_ms_median", percentile(sqlite, 0.5) * 1e3)
        emit("sqlite_save_ms_p99", percentile(sqlite, 0.99) * 1e3)
    }

    /// Saves one contact at a time through `Session.save` (validated first, not timed), back
    /// to back with the real clock (many saves fall in the same second).
    struct SenimSaver {
        let s: Session
        let counting: CountingFileOperations
        let codes: [String]
        var syncs = 0
        init(_ s: Session, counting: CountingFileOperations) throws {
            self.s = s
            self.counting = counting
            codes = s.ledger.clients.prefix(500).map(\.uic.code)
        }
        mutating func save(_ i: Int) throws -> Double {
            let ctx = s.context(site: s.point)
            let input = Validator.ContactInput(client: codes[i % codes.count], packs: ["injecting"], items: [("naloxone", 1)])
            let events = try s.validator.contact(input, ctx: ctx, known: { _ in true }, nearDuplicates: { _ in [] }, newClient: false)
            let before = counting.syncs
            let t = try seconds { try s.save(events) }
            syncs += counting.syncs - before
            return t
        }
    }

    /// The same contact as rows (contact + item lines) in one SQLite transaction.
    struct SQLiteSaver {
        let db: SQLite
        let contact: SQLite.Statement, line: SQLite.Statement, begin: SQLite.Statement, commit: SQLite.Statement
        let lines: [ItemQuantity]
        let itemIndex: [Int64]
        var g = SystemRandomNumberGenerator()
        init(_ db: SQLite, _ s: Session, cfg: Configuration) throws {
            self.db = db
            contact = try db.prepare("INSERT INTO contacts VALUES (NULL, ?1, ?2, ?3, ?4, ?5, ?6, NULL, NULL)")
            line = try db.prepare("INSERT INTO contact_items VALUES (?1, ?2, ?3)")
            begin = try db.prepare("BEGIN")
            commit = try db.prepare("COMMIT")
            lines = cfg.catalogue.pack("injecting")!.sortedItems + [ItemQuantity(item: "naloxone", quantity: 1)]
            itemIndex = lines.map { Int64(s.ledger.items.lookup($0.item) ?? 0) }
        }
        mutating func save(_ i: Int) throws -> Double {
            let id = EventID.random(using: &g)
            let at = Timestamp(Date().timeIntervalSince1970) + Timestamp(i)
            return try seconds {
                try begin.run()
                contact.bind(1, blob: Relational.uid(id)); contact.bind(2, at); contact.bind(3, Int64(i % 500))
                contact.bind(4, 0); contact.bind(5, 0); contact.bind(6, 0)
                try contact.run()
                let rowid = sqlite3LastInsert(db)
                for (k, l) in lines.enumerated() {
                    line.bind(1, rowid); line.bind(2, itemIndex[k]); line.bind(3, Int64(l.quantity))
                    try line.run()
                }
                try commit.run()
            }
        }
    }
}
