import Crypto
import Foundation

/// The backup container: one file holding the three store files, each with its SHA-256,
/// and a SHA-256 of the whole file at the end. Everything inside is already encrypted.
///
///     magic "SENIMBAK" · version u16 = 1 · section count u16 = 3 · reserved 4 · store id 16 ·
///     3 × (kind u8 · reserved 7 · length u64 · SHA-256 32 · bytes) · SHA-256 of all before 32
enum Backup {
    static let magic = Array("SENIMBAK".utf8)
    static let version: UInt16 = 1

    /// Where each section's header sits: the fixed header is 32 bytes, a section header 48.
    static let headerSize = 32, sectionHeader = 48

    /// Writes a backup file `name` in `d` (create/truncate, synced) with the snapshot section
    /// streamed by `snapshot` into the sink it is given: its length and checksum are filled in
    /// afterwards, and the whole file's checksum is computed by reading the file back in 1 MiB
    /// blocks. On failure the caller removes the file.
    static func write(_ d: Disk, _ name: String, storeID: [UInt8], keys: [UInt8], journal: [UInt8],
                      snapshot: (_ sink: ([UInt8]) throws(StoreError) -> Void) throws(StoreError) -> Void) throws(StoreError) {
        let fd = try d.run(name) { try d.ops.open(d.path(name), .createTruncate) }
        defer { d.ops.close(fd) }
        var off = 0
        func put(_ b: [UInt8]) throws(StoreError) {
            try d.run(name) { try d.ops.write(fd, b, at: off) }
            off += b.count
        }
        func section(_ kind: UInt8, _ b: [UInt8]) throws(StoreError) {
            var w = ByteWriter(capacity: sectionHeader)
            w.u8(kind); w.zeros(7); w.u64(UInt64(b.count)); w.raw(Primitives.sha256(b))
            try put(w.bytes)
            try put(b)
        }
        var head = ByteWriter(capacity: headerSize)
        head.raw(magic); head.u16(version); head.u16(3); head.zeros(4); head.raw(storeID)
        try put(head.bytes)
        try section(1, keys)
        let snapshotHeaderAt = off
        try put([UInt8](repeating: 0, count: sectionHeader))
        let start = off
        var hash = SHA256()
        try snapshot { b throws(StoreError) in
            hash.update(data: b)
            try put(b)
        }
        var w = ByteWriter(capacity: sectionHeader)
        w.u8(2); w.zeros(7); w.u64(UInt64(off - start)); w.raw(Array(hash.finalize()))
        try d.run(name) { try d.ops.write(fd, w.bytes, at: snapshotHeaderAt) }
        try section(3, journal)
        var whole = SHA256()
        var at = 0
        while at < off {
            let n = min(1 << 20, off - at)
            let b = try d.run(name) { try d.ops.read(fd, count: n, at: at) }
            guard b.count == n else { throw .damaged(file: d.path(name), detail: "the backup changed while it was written") }
            whole.update(data: b)
            at += n
        }
        try put(Array(whole.finalize()))
        try d.run(name) { try d.ops.sync(fd) }
    }

    /// The small sections of a backup file and where its snapshot section lies, every checksum
    /// (the file's and each section's) checked by reading the file once in 1 MiB blocks: the
    /// snapshot section is never held whole. Keys and journal sections larger than
    /// `smallSectionLimit` are refused as damaged.
    struct Inspected {
        var keys: [UInt8]
        var journal: [UInt8]
        var snapshot: Range<Int>
        /// The snapshot section's SHA-256 as checked (a copy is checked against it again).
        var snapshotSum: [UInt8]
    }

    static let smallSectionLimit = 64 << 20

    static func inspect(_ d: Disk, _ name: String, file: String) throws(StoreError) -> Inspected {
        func bad(_ detail: String) -> StoreError { .damaged(file: file, detail: detail) }
        let fd = try d.run(name) { try d.ops.open(d.path(name), .readOnly) }
        defer { d.ops.close(fd) }
        let size = try d.run(name) { try d.ops.size(fd) }
        func read(_ n: Int, at: Int) throws(StoreError) -> [UInt8] {
            let b = try d.run(name) { try d.ops.read(fd, count: n, at: at) }
            guard b.count == n else { throw bad("checksum mismatch: the backup file is damaged or incomplete") }
            return b
        }
        guard size >= headerSize + 32 else { throw bad("not a Senim backup") }
        let head = try read(headerSize, at: 0)
        guard Array(head[0..<8]) == magic else { throw bad("not a Senim backup") }
        let v = UInt16(head[8]) | UInt16(head[9]) << 8
        guard v == version else { throw .unsupportedVersion(Int(v)) }
        let end = size - 32
        var whole = SHA256()
        whole.update(data: head)
        var sections: [UInt8: Range<Int>] = [:]
        var snapshotSum: [UInt8] = []
        var small: [UInt8: [UInt8]] = [:]
        var problem: String? = UInt16(head[10]) | UInt16(head[11]) << 8 == 3 ? nil : "\(UInt16(head[10]) | UInt16(head[11]) << 8) sections, expected 3"
        var off = headerSize
        for _ in 0..<3 where problem == nil {
            guard end - off >= sectionHeader else { problem = "section header incomplete"; break }
            let h = try read(sectionHeader, at: off)
            whole.update(data: h)
            let kind = h[0]
            var len: UInt64 = 0
            for k in 0..<8 { len |= UInt64(h[8 + k]) << (8 * UInt64(k)) }
            off += sectionHeader
            guard len <= UInt64(end - off) else { problem = "section length \(len) too large"; break }
            let body = off..<(off + Int(len))
            var sum = SHA256()
            var keep: [UInt8] = []
            let keeps = kind != 2
            if keeps && body.count > smallSectionLimit { problem = "section \(kind) of \(body.count) bytes is larger than such a section can be"; break }
            var at = body.lowerBound
            while at < body.upperBound {
                let b = try read(min(1 << 20, body.upperBound - at), at: at)
                sum.update(data: b)
                whole.update(data: b)
                if keeps { keep += b }
                at += b.count
            }
            guard Array(sum.finalize()) == Array(h[16..<48]) else { problem = "section \(kind) checksum mismatch"; break }
            sections[kind] = body
            if kind == 2 { snapshotSum = Array(h[16..<48]) }
            if keeps { small[kind] = keep }
            off = body.upperBound
        }
        if problem == nil && off != end { problem = "unexpected bytes at the end" }
        // The file's own checksum first: a damaged or cut file says so, whatever it broke.
        if problem != nil {
            // Hashed again from the start: the sections above stopped at the problem.
            whole = SHA256()
            var at = 0
            while at < end {
                let b = try read(min(1 << 20, end - at), at: at)
                whole.update(data: b)
                at += b.count
            }
        }
        guard Array(whole.finalize()) == (try read(32, at: end)) else {
            throw bad("checksum mismatch: the backup file is damaged or incomplete")
        }
        if let problem { throw bad(problem) }
        guard let k = small[1], let j = small[3], let snap = sections[2] else { throw bad("a section is missing") }
        return Inspected(keys: k, journal: j, snapshot: snap, snapshotSum: snapshotSum)
    }

    /// `range` of backup file `name` (a header: small).
    static func read(_ d: Disk, _ name: String, _ range: Range<Int>, file: String) throws(StoreError) -> [UInt8] {
        let b = try d.run(name) {
            let fd = try d.ops.open(d.path(name), .readOnly)
            defer { d.ops.close(fd) }
            return try d.ops.read(fd, count: range.count, at: range.lowerBound)
        }
        guard b.count == range.count else { throw .damaged(file: file, detail: "checksum mismatch: the backup file is damaged or incomplete") }
        return b
    }

    /// Copies the snapshot section of backup file `name` into `newName` in `target`
    /// (create/truncate, synced) in 1 MiB blocks, and checks the copy against the checksum
    /// `inspect` verified: a backup file changed in between is refused. On failure the
    /// caller removes `newName`.
    static func copySnapshot(_ d: Disk, _ name: String, _ parts: Inspected, file: String,
                             to target: Disk, _ newName: String) throws(StoreError) {
        let src = try d.run(name) { try d.ops.open(d.path(name), .readOnly) }
        defer { d.ops.close(src) }
        let dst = try target.run(newName) { try target.ops.open(target.path(newName), .createTruncate) }
        defer { target.ops.close(dst) }
        var sum = SHA256()
        var at = parts.snapshot.lowerBound
        while at < parts.snapshot.upperBound {
            let n = min(1 << 20, parts.snapshot.upperBound - at)
            let b = try d.run(name) { try d.ops.read(src, count: n, at: at) }
            guard b.count == n else { throw .damaged(file: file, detail: "the backup file changed while it was restored") }
            sum.update(data: b)
            try target.run(newName) { try target.ops.write(dst, b, at: at - parts.snapshot.lowerBound) }
            at += n
        }
        guard Array(sum.finalize()) == parts.snapshotSum else {
            throw .damaged(file: file, detail: "the backup file changed while it was restored")
        }
        try target.run(newName) { try target.ops.sync(dst) }
    }
}
