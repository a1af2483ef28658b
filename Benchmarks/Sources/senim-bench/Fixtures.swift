import BenchCore
import Foundation
import SenimCore
import SenimStore

/// Counts durability barriers (fsync/fdatasync of files and directories) the store asks for.
final class CountingFileOperations: FileOperations, @unchecked Sendable {
    let inner: any FileOperations
    private let lock = NSLock()
    private var _syncs = 0
    private var _dirSyncs = 0
    init(_ inner: any FileOperations) { self.inner = inner }

    var syncs: Int { lock.withLock { _syncs + _dirSyncs } }

    func open(_ path: String, _ mode: OpenMode) throws -> Int32 { try inner.open(path, mode) }
    func close(_ fd: Int32) { inner.close(fd) }
    func read(_ fd: Int32, count: Int, at offset: Int) throws -> [UInt8] { try inner.read(fd, count: count, at: offset) }
    func write(_ fd: Int32, _ bytes: [UInt8], at offset: Int) throws { try inner.write(fd, bytes, at: offset) }
    func sync(_ fd: Int32) throws { lock.withLock { _syncs += 1 }; try inner.sync(fd) }
    func truncate(_ fd: Int32, to length: Int) throws { try inner.truncate(fd, to: length) }
    func size(_ fd: Int32) throws -> Int { try inner.size(fd) }
    func rename(_ from: String, _ to: String) throws { try inner.rename(from, to) }
    func unlink(_ path: String) throws { try inner.unlink(path) }
    func secureDirectory(_ path: String) throws { try inner.secureDirectory(path) }
    func syncDirectory(_ path: String) throws { lock.withLock { _dirSyncs += 1 }; try inner.syncDirectory(path) }
    func exists(_ path: String) -> Bool { inner.exists(path) }
    func list(_ path: String) throws -> [String] { try inner.list(path) }
    func lock(_ fd: Int32, path: String) throws -> LockOutcome { try inner.lock(fd, path: path) }
}

/// The stores and SQLite databases a run measures, built once per scale and kept in the
/// work directory (rebuilt when the generator settings change).
enum Fixtures {
    static let user = "coordinator"
    static let passphrase = "benchmark passphrase: long enough"
    static let version = "v3-seed\(BenchData.seed)-days\(BenchData.days)"

    /// The store as every measurement opens it: compacted by this version, so its snapshot
    /// ends with the ledger checkpoint (issue 11). Made from `foldStoreDir` by `prepare`.
    static func storeDir(_ work: URL, _ n: Int) -> URL { work.appendingPathComponent("store-\(n)-checkpoint") }
    /// The seeded store, compacted without a checkpoint (snapshot version 1): opening it folds
    /// every event — the "before" of the checkpoint, measured in the same run.
    static func foldStoreDir(_ work: URL, _ n: Int) -> URL { work.appendingPathComponent("store-\(n)") }
    static func sqlitePath(_ work: URL, _ n: Int) -> String { work.appendingPathComponent("sqlite-\(n).db").path }
    static func marker(_ work: URL, _ n: Int) -> URL { work.appendingPathComponent("ready-\(n)") }
    /// The plaintext event records in ~1 MiB chunks (u32 length + whole records), for the
    /// projected open (synthetic data only).
    static func eventsPath(_ work: URL, _ n: Int) -> String { work.appendingPathComponent("events-\(n).bin").path }

    /// A throw-away copy of a scale's store (saves made while measuring must not pile up in
    /// the fixture from run to run).
    static func scratchCopy(_ work: URL, _ n: Int, fold: Bool = false) throws -> URL {
        try copy(fold ? foldStoreDir(work, n) : storeDir(work, n), to: work.appendingPathComponent(fold ? "scratch-fold-\(n)" : "scratch-\(n)"))
    }

    static func copy(_ src: URL, to dst: URL) throws -> URL {
        let fm = FileManager.default
        try? fm.removeItem(at: dst)
        try fm.createDirectory(at: dst, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        for name in try fm.contentsOfDirectory(atPath: src.path) where name != "lock" {
            try fm.copyItem(at: src.appendingPathComponent(name), to: dst.appendingPathComponent(name))
        }
        return dst
    }

    /// The checkpointed copy of a seeded store (see `storeDir`), made once: copied, opened
    /// (folding) and compacted by this version. A seeded store made by this version already has
    /// a checkpoint; then the fold copy is rewritten without it by the in-memory path.
    static func prepareCheckpointed(_ work: URL, _ n: Int, _ cfg: Configuration, log: (String) -> Void) throws {
        let marker = work.appendingPathComponent("ready-\(n)-checkpoint")
        // Remade when the generator or the checkpoint's layout changes.
        let made = version + "-ledger\(LedgerState.checkpointVersion)"
        if (try? String(contentsOf: marker, encoding: .utf8)) == made { return }
        log("preparing \(n) contacts: compacting a copy with a ledger checkpoint…")
        let dir = try copy(foldStoreDir(work, n), to: storeDir(work, n))
        let s = try Session.open(at: dir, user: user, passphrase: passphrase, configuration: cfg)
        try s.compact()
        s.close()
        try made.write(to: marker, atomically: true, encoding: .utf8)
    }

    static func isReady(_ work: URL, _ n: Int) -> Bool {
        (try? String(contentsOf: marker(work, n), encoding: .utf8)) == version
    }

    /// Creates a store at `dir` and imports the benchmark's events for `contacts` contacts into
    /// it, batch by batch in fold order (the ledger follows as it goes); `maxEvents` stops the
    /// stream after that many events (a prefix of the history: the last days are left out).
    /// `compactEvery` compacts after every that many events, so the journal never holds more
    /// (a compaction merges the whole journal in memory). Returns the open session and how
    /// many events it holds; `batch` sees every batch after it is imported.
    static func seed(_ dir: URL, contacts: Int, _ cfg: Configuration, maxEvents: Int = .max, compactEvery: Int = .max,
                     batch: ([Event]) throws -> Void = { _ in }) throws -> (session: Session, events: Int) {
        struct Enough: Error {}
        // The store is made (its first user's event stamped) the day before the history starts:
        // stamped today, that event would fold after every generated one, and each batch would
        // refold the whole store (quadratic: 1 M events took 98 s instead of 13 s on this machine).
        let made = Date(timeIntervalSince1970: TimeInterval(BenchData.end - Timestamp(BenchData.days + 1) * 86_400))
        let s = try Session.create(at: dir, user: user, passphrase: passphrase, point: cfg.points.points[0].id, configuration: cfg,
                                   clock: { made })
        var total = 0, sinceCompaction = 0
        do {
            _ = try BenchData.generate(contacts: contacts, cfg) { events in
                if total + events.count > maxEvents { events.removeLast(total + events.count - maxEvents) }
                _ = try s.importEvents(events)
                try batch(events)
                total += events.count
                sinceCompaction += events.count
                if total >= maxEvents { throw Enough() }
                if sinceCompaction >= compactEvery {
                    try s.compact()
                    sinceCompaction = 0
                }
            }
        } catch is Enough {}
        return (s, total)
    }

    /// Seeds a store with `n` contacts (like `senim dev seed`), compacts it into a snapshot
    /// (a long-lived store opens from one), and writes the same rows into SQLite.
    static func prepare(_ work: URL, _ n: Int, _ cfg: Configuration, log: (String) -> Void) throws {
        if isReady(work, n) { return }
        let fm = FileManager.default
        try? fm.removeItem(at: marker(work, n))
        try? fm.removeItem(at: foldStoreDir(work, n))
        try? fm.removeItem(at: work.appendingPathComponent("ready-\(n)-checkpoint"))
        for suffix in ["", "-wal", "-shm"] { try? fm.removeItem(atPath: sqlitePath(work, n) + suffix) }
        try fm.createDirectory(at: work, withIntermediateDirectories: true)
        log("preparing \(n) contacts: seeding a store…")
        let t0 = now()
        FileManager.default.createFile(atPath: eventsPath(work, n), contents: nil)
        let out = FileHandle(forWritingAtPath: eventsPath(work, n))!
        var chunk = BinaryWriter(capacity: 1 << 21)
        func cut() {
            var len = UInt32(chunk.bytes.count).littleEndian
            out.write(Data(bytes: &len, count: 4))
            out.write(Data(chunk.bytes))
            chunk = BinaryWriter(capacity: 1 << 21)
        }
        let (s, events) = try seed(foldStoreDir(work, n), contacts: n, cfg) { events in
            for e in events {
                EventCodec.encode(e, into: &chunk)
                if chunk.bytes.count >= 1 << 20 { cut() }
            }
        }
        if !chunk.bytes.isEmpty { cut() }
        try out.close()
        try s.compact()
        log(String(format: "  %d events in %.1f s; writing SQLite…", events, Double(now() - t0) / 1e9))
        let t1 = now()
        try Relational.build(path: sqlitePath(work, n), from: s.ledger, configuration: cfg)
        s.close()
        log(String(format: "  SQLite in %.1f s", Double(now() - t1) / 1e9))
        try version.write(to: marker(work, n), atomically: true, encoding: .utf8)
    }
}
