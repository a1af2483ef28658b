import Foundation
@testable import SenimStore
#if canImport(Glibc)
import Glibc
import SenimTestSupport
#endif

/// An in-memory file system that remembers what is durable, in the spirit of SQLite's crash
/// VFS and LevelDB's fault-injection Env:
///
/// - file contents become durable only on `sync` of that file;
/// - names (create, rename, unlink) become durable only on `syncDirectory` of their folder;
/// - `crashImage` builds a state the disk could be in after power loss: the durable state
///   plus a random subset of the unsynced changes, applied in order, with writes torn into
///   512-byte sectors that survive independently (so later sectors may land without earlier
///   ones — reordering), holes reading as zeros;
/// - faults: the n-th operation of a kind fails with an errno, or everything from the n-th
///   mutating operation on fails as a crash.
final class MemoryFileSystem: FileOperations, @unchecked Sendable {
    final class Inode {
        var current: [UInt8] = []
        var durable: [UInt8] = []
        var pending: [DataOp] = []
        init() {}
    }

    enum DataOp {
        case write(Int, [UInt8])
        case truncate(Int)
    }

    enum DirOp {
        case link(String, Int)
        case rename(String, String)
        case unlink(String)
    }

    enum Kind: String { case open, write, sync, truncate, rename, unlink, syncDirectory, read }

    private let mutex = NSLock()
    private var inodes: [Int: Inode] = [:]
    private var nextInode = 1
    /// path → inode, as the running system sees it / as a crash would find it.
    private var names: [String: Int] = [:]
    private var durableNames: [String: Int] = [:]
    private var pendingDir: [DirOp] = []
    private var directories: Set<String> = []
    private var fds: [Int32: Int] = [:]
    private var nextFD: Int32 = 100
    private var locks: [Int: Int32] = [:]

    /// Mutating operations performed so far (open-with-create, write, sync, truncate, rename,
    /// unlink, syncDirectory).
    private(set) var mutations = 0
    /// When set, the mutation with this number (1-based) and every later call fail: a crash.
    var crashAt: Int?
    private(set) var crashed = false
    /// The `n`-th (1-based) operation of `kind` fails with `errno` (once).
    var fault: (kind: Kind, n: Int, errno: Int32)?
    private var counts: [Kind: Int] = [:]
    /// A log of mutations, for test failure messages.
    private(set) var log: [String] = []

    init() {}

    // MARK: Helpers

    private func parent(_ p: String) -> String {
        guard let i = p.lastIndex(of: "/") else { return "." }
        return i == p.startIndex ? "/" : String(p[..<i])
    }

    private func gate(_ kind: Kind, _ path: String, mutating: Bool) throws {
        if crashed { throw FileError(errno: EIO, operation: "crashed", path: path) }
        counts[kind, default: 0] += 1
        if mutating {
            mutations += 1
            log.append("\(mutations) \(kind.rawValue) \(path.split(separator: "/").last ?? "")")
            if let c = crashAt, mutations >= c {
                crashed = true
                throw FileError(errno: EIO, operation: "crash", path: path)
            }
        }
        if let f = fault, f.kind == kind, counts[kind] == f.n {
            fault = nil
            throw FileError(errno: f.errno, operation: kind == .sync ? "fsync" : kind.rawValue, path: path)
        }
    }

    private func inode(_ fd: Int32) throws -> Inode {
        guard let i = fds[fd], let node = inodes[i] else { throw FileError(errno: EBADF, operation: "fd", path: "\(fd)") }
        return node
    }

    private func path(of fd: Int32) -> String {
        guard let i = fds[fd] else { return "fd \(fd)" }
        return names.first { $0.value == i }?.key ?? "(unlinked)"
    }

    // MARK: FileOperations

    func open(_ path: String, _ mode: OpenMode) throws -> Int32 {
        mutex.lock(); defer { mutex.unlock() }
        let creating = names[path] == nil && (mode == .createIfMissing || mode == .createTruncate)
        try gate(.open, path, mutating: creating || mode == .createTruncate)
        guard directories.contains(parent(path)) else { throw FileError(errno: ENOENT, operation: "open", path: path) }
        var ino = names[path]
        if ino == nil {
            guard mode == .createIfMissing || mode == .createTruncate else { throw FileError(errno: ENOENT, operation: "open", path: path) }
            let n = nextInode
            nextInode += 1
            inodes[n] = Inode()
            names[path] = n
            pendingDir.append(.link(path, n))
            ino = n
        } else if mode == .createTruncate, let node = inodes[ino!] {
            node.current = []
            node.pending.append(.truncate(0))
        }
        let fd = nextFD
        nextFD += 1
        fds[fd] = ino!
        return fd
    }

    func close(_ fd: Int32) {
        mutex.lock(); defer { mutex.unlock() }
        if let i = fds[fd], locks[i] == fd { locks[i] = nil }
        fds[fd] = nil
    }

    func read(_ fd: Int32, count: Int, at offset: Int) throws -> [UInt8] {
        mutex.lock(); defer { mutex.unlock() }
        try gate(.read, path(of: fd), mutating: false)
        let n = try inode(fd)
        guard offset < n.current.count else { return [] }
        return Array(n.current[offset..<min(n.current.count, offset + count)])
    }

    func write(_ fd: Int32, _ bytes: [UInt8], at offset: Int) throws {
        mutex.lock(); defer { mutex.unlock() }
        try gate(.write, path(of: fd), mutating: true)
        let n = try inode(fd)
        Self.apply(.write(offset, bytes), to: &n.current)
        n.pending.append(.write(offset, bytes))
    }

    func sync(_ fd: Int32) throws {
        mutex.lock(); defer { mutex.unlock() }
        try gate(.sync, path(of: fd), mutating: true)
        let n = try inode(fd)
        n.durable = n.current
        n.pending = []
    }

    func truncate(_ fd: Int32, to length: Int) throws {
        mutex.lock(); defer { mutex.unlock() }
        try gate(.truncate, path(of: fd), mutating: true)
        let n = try inode(fd)
        Self.apply(.truncate(length), to: &n.current)
        n.pending.append(.truncate(length))
    }

    func size(_ fd: Int32) throws -> Int {
        mutex.lock(); defer { mutex.unlock() }
        return try inode(fd).current.count
    }

    func rename(_ from: String, _ to: String) throws {
        mutex.lock(); defer { mutex.unlock() }
        try gate(.rename, from, mutating: true)
        guard let i = names[from] else { throw FileError(errno: ENOENT, operation: "rename", path: from) }
        names[to] = i
        names[from] = nil
        pendingDir.append(.rename(from, to))
    }

    func unlink(_ path: String) throws {
        mutex.lock(); defer { mutex.unlock() }
        try gate(.unlink, path, mutating: true)
        guard names[path] != nil else { throw FileError(errno: ENOENT, operation: "unlink", path: path) }
        names[path] = nil
        pendingDir.append(.unlink(path))
    }

    func secureDirectory(_ path: String) throws {
        mutex.lock(); defer { mutex.unlock() }
        if crashed { throw FileError(errno: EIO, operation: "crashed", path: path) }
        directories.insert(path)
    }

    func syncDirectory(_ path: String) throws {
        mutex.lock(); defer { mutex.unlock() }
        try gate(.syncDirectory, path, mutating: true)
        // Every pending name change in this folder becomes durable, in order.
        var rest: [DirOp] = []
        for op in pendingDir {
            switch op {
            case .link(let p, _), .unlink(let p):
                if parent(p) == path { Self.applyName(op, to: &durableNames) } else { rest.append(op) }
            case .rename(let a, _):
                if parent(a) == path { Self.applyName(op, to: &durableNames) } else { rest.append(op) }
            }
        }
        pendingDir = rest
    }

    func exists(_ path: String) -> Bool {
        mutex.lock(); defer { mutex.unlock() }
        return names[path] != nil || directories.contains(path)
    }

    func list(_ path: String) throws -> [String] {
        mutex.lock(); defer { mutex.unlock() }
        guard directories.contains(path) else { throw FileError(errno: ENOENT, operation: "list", path: path) }
        return names.keys.filter { parent($0) == path }.map { String($0.split(separator: "/").last!) }.sorted()
    }

    func lock(_ fd: Int32, path: String) throws -> LockOutcome {
        mutex.lock(); defer { mutex.unlock() }
        if crashed { throw FileError(errno: EIO, operation: "crashed", path: path) }
        let i = try { () throws -> Int in
            guard let i = fds[fd] else { throw FileError(errno: EBADF, operation: "lock", path: path) }
            return i
        }()
        if let holder = locks[i], holder != fd, fds[holder] != nil { return .busy(pid: 4242) }
        locks[i] = fd
        return .acquired
    }

    // MARK: Crash images

    private static func apply(_ op: DataOp, to b: inout [UInt8]) {
        switch op {
        case .write(let off, let bytes):
            if b.count < off + bytes.count { b += [UInt8](repeating: 0, count: off + bytes.count - b.count) }
            b.replaceSubrange(off..<off + bytes.count, with: bytes)
        case .truncate(let n):
            if n < b.count { b.removeSubrange(n...) } else { b += [UInt8](repeating: 0, count: n - b.count) }
        }
    }

    private static func applyName(_ op: DirOp, to m: inout [String: Int]) {
        switch op {
        case .link(let p, let i): m[p] = i
        case .rename(let a, let b):
            if let i = m[a] { m[b] = i; m[a] = nil }
        case .unlink(let p): m[p] = nil
        }
    }

    enum Survival { case nothing, everything, random }

    /// A state the disk could be in after power loss now.
    func crashImage<G: RandomNumberGenerator>(_ survival: Survival, using g: inout G) -> MemoryFileSystem {
        mutex.lock(); defer { mutex.unlock() }
        func keep() -> Bool {
            switch survival {
            case .nothing: false
            case .everything: true
            case .random: Bool.random(using: &g)
            }
        }
        let out = MemoryFileSystem()
        out.directories = directories
        var ns = durableNames
        // Name changes may reach the disk in any subset, each applied in order if possible.
        for op in pendingDir where keep() { Self.applyName(op, to: &ns) }
        var map: [Int: Int] = [:]
        for (p, i) in ns.sorted(by: { $0.key < $1.key }) {
            guard let node = inodes[i] else { continue }
            if map[i] == nil {
                let copy = Inode()
                var content = node.durable
                for op in node.pending {
                    switch op {
                    case .truncate:
                        if keep() { Self.apply(op, to: &content) }
                    case .write(let off, let bytes):
                        // Torn and reordered: each 512-byte sector independently.
                        var s = 0
                        while s < bytes.count {
                            let e = min(bytes.count, (off + s) / 512 * 512 + 512 - off)
                            if keep() { Self.apply(.write(off + s, Array(bytes[s..<e])), to: &content) }
                            s = e
                        }
                    }
                }
                copy.current = content
                copy.durable = content
                out.inodes[out.nextInode] = copy
                map[i] = out.nextInode
                out.nextInode += 1
            }
            out.names[p] = map[i]!
        }
        out.durableNames = out.names
        return out
    }

    /// A copy of the current state as if everything had been synced (for cloning stores).
    func cloneDurable() -> MemoryFileSystem {
        var g = SplitMix(seed: 0)
        return crashImage(.everything, using: &g)
    }

    // MARK: Test conveniences

    /// Copies the files of a real directory into `path` here, all durable.
    func load(from directory: URL, as path: String) throws {
        mutex.lock(); defer { mutex.unlock() }
        directories.insert(path)
        for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) where name != "lock" {
            let node = Inode()
            node.current = Array(try Data(contentsOf: directory.appendingPathComponent(name)))
            node.durable = node.current
            inodes[nextInode] = node
            names[path + "/" + name] = nextInode
            durableNames[path + "/" + name] = nextInode
            nextInode += 1
        }
    }

    func bytes(_ path: String) -> [UInt8]? {
        mutex.lock(); defer { mutex.unlock() }
        return names[path].flatMap { inodes[$0]?.current }
    }

    /// Replaces a file's content (durably), as damage or an attacker would.
    func setBytes(_ path: String, _ b: [UInt8]) {
        mutex.lock(); defer { mutex.unlock() }
        guard let i = names[path], let n = inodes[i] else { return }
        n.current = b
        n.durable = b
        n.pending = []
    }

    /// The next operation of `kind` fails with `errno` (once).
    func failNext(_ kind: Kind, _ errno: Int32, skip: Int = 0) {
        mutex.lock(); defer { mutex.unlock() }
        fault = (kind, counts[kind, default: 0] + 1 + skip, errno)
    }

    /// Crash at the `n`-th mutation from now (1 = the next one).
    func crash(after n: Int) {
        mutex.lock(); defer { mutex.unlock() }
        crashAt = mutations + n
    }

    func names(in dir: String) -> [String] { (try? list(dir)) ?? [] }

    func clearFaults() {
        mutex.lock(); defer { mutex.unlock() }
        crashAt = nil
        fault = nil
    }
}
