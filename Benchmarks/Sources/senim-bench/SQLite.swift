import BenchCore
import CSQLite

/// A minimal wrapper over the system libsqlite3 (only what the benchmark needs).
final class SQLite {
    private(set) var db: OpaquePointer?

    init(path: String) throws {
        guard sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nil) == SQLITE_OK else {
            throw BenchError("sqlite: cannot open \(path)")
        }
    }

    deinit { sqlite3_close_v2(db) }

    var errorMessage: String { String(cString: sqlite3_errmsg(db)) }

    func exec(_ sql: String) throws {
        var err: UnsafeMutablePointer<CChar>?
        if sqlite3_exec(db, sql, nil, nil, &err) != SQLITE_OK {
            let m = err.map { String(cString: $0) } ?? errorMessage
            sqlite3_free(err)
            throw BenchError("sqlite: \(m) in \(sql.prefix(80))")
        }
    }

    func prepare(_ sql: String) throws -> Statement {
        var s: OpaquePointer?
        guard sqlite3_prepare_v2(db, sql, -1, &s, nil) == SQLITE_OK, let s else {
            throw BenchError("sqlite: \(errorMessage) in \(sql.prefix(80))")
        }
        return Statement(s, self)
    }

    /// Runs a query and returns every row as integers (NULL → nil).
    func rows(_ sql: String, _ args: [Int64] = []) throws -> [[Int64?]] {
        let s = try prepare(sql)
        for (i, a) in args.enumerated() { s.bind(i + 1, a) }
        var out: [[Int64?]] = []
        while try s.step() {
            var row: [Int64?] = []
            for c in 0..<s.columns { row.append(s.isNull(c) ? nil : s.int(c)) }
            out.append(row)
        }
        return out
    }

    final class Statement {
        let s: OpaquePointer
        unowned let owner: SQLite
        init(_ s: OpaquePointer, _ owner: SQLite) {
            self.s = s
            self.owner = owner
        }
        deinit { sqlite3_finalize(s) }

        func bind(_ i: Int, _ v: Int64) { sqlite3_bind_int64(s, Int32(i), v) }
        func bindNull(_ i: Int) { sqlite3_bind_null(s, Int32(i)) }
        func bind(_ i: Int, _ v: String) {
            // SQLITE_TRANSIENT: sqlite copies the text.
            sqlite3_bind_text(s, Int32(i), v, -1, unsafeBitCast(-1, to: sqlite3_destructor_type.self))
        }
        func bind(_ i: Int, blob: [UInt8]) {
            blob.withUnsafeBytes { b in
                _ = sqlite3_bind_blob(s, Int32(i), b.baseAddress, Int32(b.count), unsafeBitCast(-1, to: sqlite3_destructor_type.self))
            }
        }

        /// True while there is a row.
        func step() throws -> Bool {
            switch sqlite3_step(s) {
            case SQLITE_ROW: return true
            case SQLITE_DONE: return false
            default: throw BenchError("sqlite: \(owner.errorMessage)")
            }
        }

        func run() throws {
            while try step() {}
            reset()
        }

        func reset() {
            sqlite3_reset(s)
            sqlite3_clear_bindings(s)
        }

        var columns: Int { Int(sqlite3_column_count(s)) }
        func int(_ c: Int) -> Int64 { sqlite3_column_int64(s, Int32(c)) }
        func isNull(_ c: Int) -> Bool { sqlite3_column_type(s, Int32(c)) == SQLITE_NULL }
    }
}

func sqlite3LastInsert(_ db: SQLite) -> Int64 { sqlite3_last_insert_rowid(db.db) }
