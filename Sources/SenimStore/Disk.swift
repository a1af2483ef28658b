#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// File access for one store directory, with errors mapped to `StoreError`.
struct Disk {
    let ops: any FileOperations
    let directory: String

    static let keys = "keys"
    static let snapshot = "snapshot"
    static let journal = "journal"
    static let lock = "lock"
    static let newSuffix = ".new"
    /// Every name the store may create in its directory.
    static let ownNames: Set<String> = [keys, snapshot, journal, lock, keys + newSuffix, snapshot + newSuffix, journal + newSuffix]

    init(_ fs: FileSystem, _ directory: URL) {
        ops = fs.operations
        self.directory = directory.standardizedFileURL.path
    }

    init(_ ops: any FileOperations, path: String) {
        self.ops = ops
        directory = path
    }

    func path(_ name: String) -> String { directory.hasSuffix("/") ? directory + name : directory + "/" + name }

    static func map(_ error: Error, _ fallbackPath: String) -> StoreError {
        if let e = error as? StoreError { return e }
        guard let f = error as? FileError else { return .ioError(path: fallbackPath, errno: EIO, detail: "\(error)") }
        if f.errno == ENOSPC || f.errno == EDQUOT { return .noSpace(path: f.path) }
        let detail = f.operation == "fsync" ? "fsync failed: the last change is NOT saved" : "\(f.operation) failed: \(String(cString: strerror(f.errno)))"
        return .ioError(path: f.path, errno: f.errno, detail: detail)
    }

    func run<T>(_ name: String, _ body: () throws -> T) throws(StoreError) -> T {
        do { return try body() } catch { throw Disk.map(error, path(name)) }
    }

    func exists(_ name: String) -> Bool { ops.exists(path(name)) }

    /// The whole file, or nil when it does not exist.
    func read(_ name: String) throws(StoreError) -> [UInt8]? {
        guard exists(name) else { return nil }
        return try run(name) {
            let fd = try ops.open(path(name), .readOnly)
            defer { ops.close(fd) }
            let n = try ops.size(fd)
            return try ops.read(fd, count: n, at: 0)
        }
    }

    /// The whole file, refusing one larger than `limit` bytes as damaged without reading it.
    func read(_ name: String, limit: Int) throws(StoreError) -> [UInt8]? {
        guard exists(name) else { return nil }
        let n = try run(name) {
            let fd = try ops.open(path(name), .readOnly)
            defer { ops.close(fd) }
            return try ops.size(fd)
        }
        guard n <= limit else { throw .damaged(file: name, detail: "\(n) bytes, more than the \(limit) such a file can hold") }
        return try read(name)
    }

    /// Just the first `count` bytes (headers).
    func readPrefix(_ name: String, _ count: Int) throws(StoreError) -> [UInt8]? {
        guard exists(name) else { return nil }
        return try run(name) {
            let fd = try ops.open(path(name), .readOnly)
            defer { ops.close(fd) }
            return try ops.read(fd, count: count, at: 0)
        }
    }

    /// Writes a complete file under `name` (create or truncate) and syncs it. On failure the
    /// partial file is removed.
    func writeSynced(_ name: String, _ bytes: [UInt8]) throws(StoreError) {
        do {
            let fd = try ops.open(path(name), .createTruncate)
            defer { ops.close(fd) }
            try ops.write(fd, bytes, at: 0)
            try ops.sync(fd)
        } catch {
            try? ops.unlink(path(name))
            throw Disk.map(error, path(name))
        }
    }

    func rename(_ from: String, _ to: String) throws(StoreError) {
        try run(from) { try ops.rename(path(from), path(to)) }
    }

    func syncDirectory() throws(StoreError) {
        try run(".") { try ops.syncDirectory(directory) }
    }

    func remove(_ name: String) {
        try? ops.unlink(path(name))
    }

    func list() throws(StoreError) -> [String] {
        try run(".") { try ops.list(directory) }
    }
}
