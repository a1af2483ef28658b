#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// A failed file operation: the errno, what was being done, and to which path.
public struct FileError: Error, Equatable, Sendable, CustomStringConvertible {
    public var errno: Int32
    public var operation: String
    public var path: String

    public init(errno: Int32, operation: String, path: String) {
        self.errno = errno
        self.operation = operation
        self.path = path
    }

    public var description: String {
        "\(operation) \(path): \(String(cString: strerror(errno))) (errno \(errno))"
    }
}

/// How a file is opened. Every file the store creates gets mode 0600.
public enum OpenMode: Sendable, Equatable {
    /// Existing file, read only.
    case readOnly
    /// Existing file, read and write.
    case readWrite
    /// Create (or open an existing) file for read and write, without truncating it.
    case createIfMissing
    /// Create a new file, or empty an existing one, for read and write.
    case createTruncate
}

/// The outcome of trying to take the store lock.
public enum LockOutcome: Sendable, Equatable {
    case acquired
    /// Someone else holds it; the pid when the system says who.
    case busy(pid: Int32?)
}

/// Every file system call the store makes goes through this, so tests can inject crashes,
/// full disks and I/O errors. File descriptors are opaque handles chosen by the implementation.
///
/// Paths are absolute. `write` either writes every byte or throws; `sync` is the durability
/// barrier for file contents (fdatasync on Linux), `syncDirectory` for names in a directory.
public protocol FileOperations: AnyObject, Sendable {
    func open(_ path: String, _ mode: OpenMode) throws -> Int32
    func close(_ fd: Int32)
    /// Reads up to `count` bytes at `offset` (fewer only at end of file).
    func read(_ fd: Int32, count: Int, at offset: Int) throws -> [UInt8]
    func write(_ fd: Int32, _ bytes: [UInt8], at offset: Int) throws
    func sync(_ fd: Int32) throws
    func truncate(_ fd: Int32, to length: Int) throws
    func size(_ fd: Int32) throws -> Int
    func rename(_ from: String, _ to: String) throws
    func unlink(_ path: String) throws
    /// Creates the directory with mode 0700, or sets an existing one to 0700.
    func secureDirectory(_ path: String) throws
    func syncDirectory(_ path: String) throws
    func exists(_ path: String) -> Bool
    func list(_ path: String) throws -> [String]
    /// An exclusive, non-blocking lock on an open file (flock on the real file system).
    func lock(_ fd: Int32, path: String) throws -> LockOutcome
}

/// The file layer handed to `Session`. `.real` is POSIX; tests pass their own.
public struct FileSystem: Sendable {
    public let operations: any FileOperations

    public init(_ operations: any FileOperations) { self.operations = operations }

    public static var real: FileSystem { FileSystem(RealFileOperations()) }
}

/// POSIX calls, retried on EINTR (never on anything else).
public final class RealFileOperations: FileOperations {
    public init() {}

    private func fail(_ op: String, _ path: String, _ e: Int32 = errno) -> FileError {
        FileError(errno: e, operation: op, path: path)
    }

    private let paths = PathTable()

    public func open(_ path: String, _ mode: OpenMode) throws -> Int32 {
        let flags: Int32
        switch mode {
        case .readOnly: flags = O_RDONLY
        case .readWrite: flags = O_RDWR
        case .createIfMissing: flags = O_RDWR | O_CREAT
        case .createTruncate: flags = O_RDWR | O_CREAT | O_TRUNC
        }
        while true {
            let fd = Glibc.open(path, flags | O_CLOEXEC, 0o600)
            if fd >= 0 {
                paths.set(fd, path)
                return fd
            }
            if errno == EINTR { continue }
            throw fail("open", path)
        }
    }

    public func close(_ fd: Int32) {
        paths.remove(fd)
        _ = Glibc.close(fd)
    }

    public func read(_ fd: Int32, count: Int, at offset: Int) throws -> [UInt8] {
        guard count > 0 else { return [] }
        var out = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let n = out.withUnsafeMutableBytes { buf in
                pread(fd, buf.baseAddress! + done, count - done, off_t(offset + done))
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw fail("read", paths.get(fd))
            }
            if n == 0 { break }
            done += n
        }
        if done < count { out.removeSubrange(done...) }
        return out
    }

    public func write(_ fd: Int32, _ bytes: [UInt8], at offset: Int) throws {
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { buf in
                pwrite(fd, buf.baseAddress! + done, bytes.count - done, off_t(offset + done))
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw fail("write", paths.get(fd))
            }
            if n == 0 { throw fail("write", paths.get(fd), EIO) }
            done += n
        }
    }

    public func sync(_ fd: Int32) throws {
        // One attempt only: after a failed fsync the kernel may already have dropped the
        // dirty pages, so a retry that "succeeds" would lie (PostgreSQL's fsyncgate).
        #if os(Linux)
        let r = fdatasync(fd)
        #else
        let r = fsync(fd)
        #endif
        if r != 0 { throw fail("fsync", paths.get(fd)) }
    }

    public func truncate(_ fd: Int32, to length: Int) throws {
        while ftruncate(fd, off_t(length)) != 0 {
            if errno == EINTR { continue }
            throw fail("truncate", paths.get(fd))
        }
    }

    public func size(_ fd: Int32) throws -> Int {
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw fail("stat", paths.get(fd)) }
        return Int(st.st_size)
    }

    public func rename(_ from: String, _ to: String) throws {
        guard Glibc.rename(from, to) == 0 else { throw fail("rename", from + " -> " + to) }
    }

    public func unlink(_ path: String) throws {
        guard Glibc.unlink(path) == 0 else { throw fail("unlink", path) }
    }

    public func secureDirectory(_ path: String) throws {
        if mkdir(path, 0o700) == 0 { return }
        let e = errno
        guard e == EEXIST else { throw fail("mkdir", path, e) }
        var st = stat()
        guard stat(path, &st) == 0 else { throw fail("stat", path) }
        guard (st.st_mode & S_IFMT) == S_IFDIR else { throw fail("mkdir", path, ENOTDIR) }
        if st.st_mode & 0o777 != 0o700 {
            guard chmod(path, 0o700) == 0 else { throw fail("chmod", path) }
        }
    }

    public func syncDirectory(_ path: String) throws {
        let fd = Glibc.open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw fail("open", path) }
        defer { _ = Glibc.close(fd) }
        guard fsync(fd) == 0 else { throw fail("fsync", path) }
    }

    public func exists(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0
    }

    public func list(_ path: String) throws -> [String] {
        guard let d = opendir(path) else { throw fail("opendir", path) }
        defer { closedir(d) }
        var out: [String] = []
        while let entry = readdir(d) {
            let name = withUnsafePointer(to: entry.pointee.d_name) { p in
                p.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { out.append(name) }
        }
        return out.sorted()
    }

    public func lock(_ fd: Int32, path: String) throws -> LockOutcome {
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let e = errno
            if e == EINTR { continue }
            if e == EWOULDBLOCK || e == EAGAIN { return .busy(pid: Self.lockHolder(fd)) }
            throw fail("lock", path, e)
        }
        return .acquired
    }

    /// Who holds the flock on this file, from /proc/locks (Linux); nil when unknown.
    static func lockHolder(_ fd: Int32) -> Int32? {
        var st = stat()
        guard fstat(fd, &st) == 0 else { return nil }
        guard let text = try? String(contentsOfFile: "/proc/locks", encoding: .utf8) else { return nil }
        let inode = String(st.st_ino)
        for line in text.split(separator: "\n") {
            let f = line.split(separator: " ", omittingEmptySubsequences: true)
            // "1: FLOCK  ADVISORY  WRITE 1234 08:01:5678 0 EOF"; blocked waiters have "->".
            guard f.count >= 6, f[1] == "FLOCK", f[1] != "->" else { continue }
            let dev = f[5].split(separator: ":")
            guard dev.count == 3, dev[2] == inode else { continue }
            return Int32(f[4])
        }
        return nil
    }
}

/// fd → path, for error messages. `@unchecked Sendable`: `table` is only touched under `lock`.
private final class PathTable: @unchecked Sendable {
    private var table: [Int32: String] = [:]
    private let lock = NSLock()
    func set(_ fd: Int32, _ p: String) { lock.lock(); table[fd] = p; lock.unlock() }
    func remove(_ fd: Int32) { lock.lock(); table[fd] = nil; lock.unlock() }
    func get(_ fd: Int32) -> String { lock.lock(); defer { lock.unlock() }; return table[fd] ?? "fd \(fd)" }
}
