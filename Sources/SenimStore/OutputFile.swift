#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import SenimCore

/// The one place that decides where Senim may write a file the user named (`report --output`,
/// `sync export --out`, `backup`, TUI exports) and how.
///
/// - The target, after resolving every symbolic link (of the folder and of the file itself),
///   must not be inside the store folder (also after resolving links): a report written over
///   `keys` would leave a store nothing can open.
/// - An existing file is never replaced without `force`; a store file never, even with it.
/// - Writes are atomic: a temporary file `NAME.tmp-XXXXXXXX` next to the target, synced, then
///   renamed (or linked, when not replacing, so that a file appearing meanwhile is not lost).
///   Temporary files left by an interrupted earlier write of the same target are removed first.
public enum OutputFile {
    /// The marker between a target's name and the random suffix of its temporary file.
    public static let tempMarker = ".tmp-"

    /// The canonical absolute path: every symbolic link resolved. For a path that does not exist
    /// (yet), its deepest existing ancestor is resolved and the rest appended.
    public static func resolved(_ path: String) -> String {
        let std = URL(fileURLWithPath: path).standardizedFileURL.path
        var tail: [String] = []
        var cur = std
        while true {
            if let r = realpath(cur, nil) {
                defer { free(r) }
                var base = String(cString: r)
                for t in tail.reversed() { base = base.hasSuffix("/") ? base + t : base + "/" + t }
                return base
            }
            let u = URL(fileURLWithPath: cur)
            let parent = u.deletingLastPathComponent().path
            if parent == cur || cur == "/" || cur.isEmpty { return std }
            tail.append(u.lastPathComponent)
            cur = parent
        }
    }

    static func isInside(_ path: String, _ folder: String) -> Bool {
        path == folder || path.hasPrefix(folder.hasSuffix("/") ? folder : folder + "/")
    }

    /// Whether `target` (links resolved, through its folder and itself) lies inside `store`.
    public static func isInside(_ target: URL, store storeDirectory: URL) -> Bool {
        let path = target.standardizedFileURL.path
        let parentResolved = resolved(target.deletingLastPathComponent().standardizedFileURL.path)
        let store = resolved(storeDirectory.standardizedFileURL.path)
        let viaParent = parentResolved.hasSuffix("/") ? parentResolved + target.lastPathComponent
            : parentResolved + "/" + target.lastPathComponent
        return isInside(viaParent, store) || isInside(resolved(path), store)
            || isInside(path, storeDirectory.standardizedFileURL.path)
    }

    /// Refuses a target inside the store folder, or an existing file without `force`, or any
    /// directory. `storeDirectory` nil: no store is involved (only the overwrite rule applies).
    public static func check(_ target: URL, storeDirectory: URL?, force: Bool) throws(StoreError) {
        let path = target.standardizedFileURL.path
        guard !target.lastPathComponent.isEmpty, target.lastPathComponent != "/" else {
            throw .invalid(Message("store.output.directory", path))
        }
        let fileResolved = resolved(path)
        if let storeDirectory, isInside(target, store: storeDirectory) {
            throw .invalid(Message("store.output.inside", path, storeDirectory.standardizedFileURL.path))
        }
        var st = stat()
        if lstat(path, &st) == 0 || stat(fileResolved, &st) == 0 {
            if (st.st_mode & S_IFMT) == S_IFDIR { throw .invalid(Message("store.output.directory", path)) }
            if !force { throw .invalid(Message("store.output.exists", path)) }
        }
    }

    /// Removes `NAME.tmp-XXXXXXXX` files next to `target` (left by an interrupted write).
    /// Returns the names removed.
    @discardableResult
    public static func removeStaleTemporaries(for target: URL) -> [String] {
        let dir = target.deletingLastPathComponent().standardizedFileURL.path
        let prefix = target.lastPathComponent + tempMarker
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else { return [] }
        var removed: [String] = []
        for n in names where n.hasPrefix(prefix) {
            let rest = n.dropFirst(prefix.count)
            guard rest.count == 8, rest.allSatisfy({ $0.isHexDigit }) else { continue }
            var st = stat()
            let p = dir.hasSuffix("/") ? dir + n : dir + "/" + n
            guard lstat(p, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { continue }
            if unlink(p) == 0 { removed.append(n) }
        }
        return removed
    }

    /// Writes `bytes` to a new file named `name` in `directory` — or `stem-1.ext`, `stem-2.ext` …
    /// when that exists (at most 100 tries) — through `write` (never inside the store folder,
    /// never over an existing file, atomic). Returns the path written. The TUI's exports.
    public static func writeNew(_ bytes: [UInt8], named name: String, in directory: URL,
                                storeDirectory: URL?) throws(StoreError) -> String {
        let stem = (name as NSString).deletingPathExtension, ext = (name as NSString).pathExtension
        var last: StoreError?
        for n in 0..<100 {
            let file = n == 0 ? name : (ext.isEmpty ? "\(stem)-\(n)" : "\(stem)-\(n).\(ext)")
            let url = directory.appendingPathComponent(file)
            if FileManager.default.fileExists(atPath: url.path) { continue }
            do throws(StoreError) {
                try write(bytes, to: url, storeDirectory: storeDirectory, force: false)
                return url.path
            } catch {
                // Appeared between the look and the write: try the next name; anything else stops.
                if case .invalid(let m) = error, m.key == "store.output.exists" { last = error; continue }
                throw error
            }
        }
        throw last ?? .invalid(Message("store.output.exists", directory.appendingPathComponent(name).path))
    }

    /// Checks the target (see `check`), then writes `bytes` atomically and durably.
    public static func write(_ bytes: [UInt8], to target: URL, storeDirectory: URL?, force: Bool) throws(StoreError) {
        do {
            try write(to: target, storeDirectory: storeDirectory, force: force) { sink in try sink(bytes) }
        } catch let e as StoreError {
            throw e
        } catch {
            throw .ioError(path: target.path, errno: 0, detail: String(describing: error))
        }
    }

    /// Checks the target (see `check`), then writes what `contents` hands to its sink, in
    /// order, atomically and durably: the bytes go to the temporary file as they come (never
    /// held whole), and only a complete write is renamed or linked into place. If `contents`
    /// throws, the temporary file is removed and its error passes through; the target is
    /// never left half-written. Sync export writes bundles this way.
    public static func write(to target: URL, storeDirectory: URL?, force: Bool,
                             contents: (_ sink: ([UInt8]) throws -> Void) throws -> Void) throws {
        try check(target, storeDirectory: storeDirectory, force: force)
        removeStaleTemporaries(for: target)
        let dir = target.deletingLastPathComponent().standardizedFileURL.path
        let finalPath = target.standardizedFileURL.path
        let tmp = finalPath + tempMarker + Primitives.random(4).hex
        func fail(_ op: String, _ p: String, _ e: Int32) -> StoreError {
            if e == ENOSPC || e == EDQUOT { return .noSpace(path: p) }
            return .ioError(path: p, errno: e, detail: "\(op) failed: \(String(cString: strerror(e)))")
        }
        let fd = Glibc.open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw fail("open", tmp, errno) }
        do {
            try contents { bytes throws(StoreError) in
                var off = 0
                while off < bytes.count {
                    let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + off, min(bytes.count - off, 1 << 20)) }
                    if n < 0 {
                        if errno == EINTR { continue }
                        throw fail("write", finalPath, errno)
                    }
                    off += n
                }
            }
        } catch {
            Glibc.close(fd); unlink(tmp)
            throw error
        }
        if fsync(fd) != 0 {
            let e = errno
            Glibc.close(fd); unlink(tmp)
            throw fail("fsync", finalPath, e)
        }
        Glibc.close(fd)
        if force {
            // Re-check just before replacing: never a store file, never a directory.
            do throws(StoreError) { try check(target, storeDirectory: storeDirectory, force: true) } catch { unlink(tmp); throw error }
            guard rename(tmp, finalPath) == 0 else { let e = errno; unlink(tmp); throw fail("rename", finalPath, e) }
        } else {
            // link() never replaces: a file that appeared since the check is kept.
            guard link(tmp, finalPath) == 0 else {
                let e = errno
                unlink(tmp)
                if e == EEXIST { throw StoreError.invalid(Message("store.output.exists", finalPath)) }
                throw fail("link", finalPath, e)
            }
            unlink(tmp)
        }
        let dfd = Glibc.open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dfd >= 0 { _ = fsync(dfd); Glibc.close(dfd) }
    }
}

/// Reads a file the user named (passphrase file, bundle, backup, configuration) with a size
/// limit checked before reading (regular files) and while reading (pipes, devices): a refusal
/// costs at most `limit` bytes of memory and never waits for an endless input.
public enum BoundedFile {
    public enum Failure: Error, Equatable, Sendable {
        /// Missing or unreadable (errno).
        case unreadable(path: String, errno: Int32)
        /// Larger than `limit` bytes.
        case tooLarge(path: String, limit: Int)
    }

    /// The whole file, refusing anything larger than `limit` bytes.
    public static func read(_ path: String, limit: Int) throws(Failure) -> [UInt8] {
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .unreadable(path: path, errno: errno) }
        defer { Glibc.close(fd) }
        var st = stat()
        if fstat(fd, &st) == 0 {
            if (st.st_mode & S_IFMT) == S_IFDIR { throw .unreadable(path: path, errno: EISDIR) }
            if (st.st_mode & S_IFMT) == S_IFREG && Int(st.st_size) > limit { throw .tooLarge(path: path, limit: limit) }
        }
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let want = min(buf.count, limit + 1 - out.count)
            let n = buf.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, want) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .unreadable(path: path, errno: errno)
            }
            if n == 0 { break }
            out.append(contentsOf: buf[0..<n])
            if out.count > limit { throw .tooLarge(path: path, limit: limit) }
        }
        return out
    }

    /// At most the first `count` bytes (a header), whatever the file's size.
    public static func prefix(_ path: String, _ count: Int) throws(Failure) -> [UInt8] {
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .unreadable(path: path, errno: errno) }
        defer { Glibc.close(fd) }
        var out = [UInt8](repeating: 0, count: count)
        var got = 0
        while got < count {
            let n = out.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + got, count - got) }
            if n < 0 { if errno == EINTR { continue }; throw .unreadable(path: path, errno: errno) }
            if n == 0 { break }
            got += n
        }
        return Array(out[0..<got])
    }
}
