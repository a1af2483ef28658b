import Crypto
import Foundation
import SenimCore

/// The compacted store: a 64-byte header, then sealed chunks of records.
///
///     header: magic "SENIMSNP" · version u16 = 1 or 2 · checkpoint chunks u16 (version 2; 0 in 1) · chunk count u32 ·
///             store id 16 · snapshot id 16 · checksum 16 (SHA-256 of bytes 0..<48)
///     chunk:  sealed length L u32 · check u32 · nonce 12 · ciphertext+tag L
///
/// `check` = SHA-256("SENIM-CHUNK-1" ‖ snapshot id ‖ L ‖ index)[0..<4]. AD = "SENIM-CHUNK-1" ‖
/// store id ‖ snapshot id ‖ index u32 ‖ count u32: chunks cannot be moved, dropped or mixed.
enum Snapshot {
    static let magic = Array("SENIMSNP".utf8)
    static let version: UInt16 = 1
    /// A snapshot that ends with a ledger checkpoint (`StoreCheckpoint`); read like version 1.
    static let checkpointVersion: UInt16 = 2
    static let headerSize = 64
    static let chunkHeader = 20
    static let targetChunk = 1 << 20
    static let maxChunks: UInt32 = 1 << 20

    static func check(_ snapshotID: [UInt8], _ length: UInt32, _ index: UInt32) -> [UInt8] {
        var w = ByteWriter(capacity: 48)
        w.raw(Array("SENIM-CHUNK-1".utf8)); w.raw(snapshotID); w.u32(length); w.u32(index)
        return Primitives.checksum(w.bytes[...], 4)
    }

    static func ad(_ storeID: [UInt8], _ snapshotID: [UInt8], _ index: UInt32, _ count: UInt32) -> [UInt8] {
        var w = ByteWriter(capacity: 64)
        w.raw(Array("SENIM-CHUNK-1".utf8)); w.raw(storeID); w.raw(snapshotID); w.u32(index); w.u32(count)
        return w.bytes
    }

    /// Events in fold order first, then local values. Never empty: an empty store still has
    /// one (padded) chunk. Holds the whole file in memory: for small stores and tests; the store
    /// itself writes snapshots with `write` (streamed).
    static func build(events: [Event], local: [String: [UInt8]], key: SymmetricKey, storeID: [UInt8],
                      snapshotID: [UInt8]) -> [UInt8] {
        let records = events.sorted(by: Event.foldsBefore).map { Record.event(EventCodec.encode($0)) }
            + local.keys.sorted().map { Record.setLocal($0, local[$0]!) }
        var contents: [[UInt8]] = []
        var chunker = Chunker()
        for r in records { if let c = chunker.add(r) { contents.append(c) } }
        contents.append(chunker.finish())
        let count = UInt32(contents.count)
        var out = ByteWriter(capacity: headerSize + contents.reduce(0) { $0 + $1.count + 64 })
        out.raw(header(count: count, storeID: storeID, snapshotID: snapshotID))
        for (i, c) in contents.enumerated() {
            out.raw(sealChunk(c, index: UInt32(i), count: count, key: key, storeID: storeID, snapshotID: snapshotID))
        }
        return out.bytes
    }

    /// The 64-byte header.
    static func header(count: UInt32, storeID: [UInt8], snapshotID: [UInt8], version: UInt16 = Snapshot.version,
                       checkpointChunks: UInt16 = 0) -> [UInt8] {
        var out = ByteWriter(capacity: headerSize)
        out.raw(magic); out.u16(version); out.u16(version == checkpointVersion ? checkpointChunks : 0); out.u32(count); out.raw(storeID); out.raw(snapshotID)
        out.raw(Primitives.checksum(out.bytes[0..<48], 16))
        return out.bytes
    }

    /// One chunk as stored: length, check word, nonce, padded and sealed content.
    static func sealChunk(_ content: [UInt8], index: UInt32, count: UInt32, key: SymmetricKey, storeID: [UInt8],
                          snapshotID: [UInt8]) -> [UInt8] {
        let sealed = Primitives.seal(Buckets.pad(content)!, key: key, ad: ad(storeID, snapshotID, index, count))
        let L = UInt32(sealed.sealed.count)
        var out = ByteWriter(capacity: chunkHeader + sealed.sealed.count)
        out.u32(L); out.raw(check(snapshotID, L, index)); out.raw(sealed.nonce); out.raw(sealed.sealed)
        return out.bytes
    }

    /// What a streamed snapshot is written from: a record, or an event's `EventCodec` bytes
    /// still inside the buffer they were read into.
    enum Item {
        case record(Record)
        case event(ArraySlice<UInt8>)
        /// A record already encoded that gets a chunk of its own (a checkpoint part).
        case alone([UInt8])
    }

    /// The chunking rule, in one place: records are packed in order into chunks of at most
    /// `targetChunk` bytes (a larger record gets a chunk of its own); `add` hands back a full
    /// chunk when the next record would not fit, `finish` the last one (possibly empty).
    struct Chunker {
        private var current = ByteWriter(capacity: Snapshot.targetChunk + 4096)
        private var one = ByteWriter(capacity: 256)
        /// Counting only (the sizing pass): no bytes are kept.
        private let countOnly: Bool
        private var currentSize = 0
        private(set) var chunks = 0
        /// The next record starts a new chunk (around a record that must be alone).
        private var breakBefore = false

        init(countOnly: Bool = false) { self.countOnly = countOnly }

        mutating func add(_ r: Record) -> [UInt8]? {
            one.bytes.removeAll(keepingCapacity: true)
            r.encode(into: &one)
            return place()
        }

        /// An event record from its `EventCodec` bytes, without copying them out first.
        mutating func add(event b: ArraySlice<UInt8>) -> [UInt8]? {
            one.bytes.removeAll(keepingCapacity: true)
            one.u8(1); one.varint(UInt64(b.count)); one.raw(b)
            return place()
        }

        mutating func add(_ item: Item) -> [UInt8]? {
            switch item {
            case .record(let r): return add(r)
            case .event(let b): return add(event: b)
            case .alone(let b):
                one.bytes.removeAll(keepingCapacity: true)
                one.raw(b)
                breakBefore = true
                defer { breakBefore = true }
                return place()
            }
        }

        private mutating func place() -> [UInt8]? {
            var full: [UInt8]? = nil
            if currentSize > 0 && (breakBefore || currentSize + one.bytes.count > Snapshot.targetChunk) {
                chunks += 1
                if !countOnly {
                    full = current.bytes
                    current.bytes.removeAll(keepingCapacity: true)
                }
                currentSize = 0
            }
            if !countOnly { current.raw(one.bytes) }
            currentSize += one.bytes.count
            breakBefore = false
            return full
        }

        mutating func finish() -> [UInt8] {
            chunks += 1
            defer { current.bytes.removeAll(keepingCapacity: true); currentSize = 0 }
            return current.bytes
        }
    }

    /// Writes snapshot file `name` from records produced in order, never holding more than one
    /// chunk: `records` is called twice and must produce the same records both times — first to
    /// count the chunks (the count is sealed into every chunk's associated data), then to seal
    /// and write them. The file is created or truncated and synced; on any failure the partial
    /// file is removed. Returns the number of chunks.
    @discardableResult
    static func write(_ disk: Disk, _ name: String, key: SymmetricKey, storeID: [UInt8], snapshotID: [UInt8],
                      version: UInt16 = Snapshot.version, checkpointChunks: Int = 0,
                      records: (_ emit: (Item) throws(StoreError) -> Void) throws(StoreError) -> Void) throws(StoreError) -> Int {
        let fd = try disk.run(name) { try disk.ops.open(disk.path(name), .createTruncate) }
        var closed = false
        do throws(StoreError) {
            var off = 0
            let count = try stream(key: key, storeID: storeID, snapshotID: snapshotID, version: version,
                                   checkpointChunks: checkpointChunks, records: records) { b throws(StoreError) in
                try disk.run(name) { try disk.ops.write(fd, b, at: off) }
                off += b.count
            }
            try disk.run(name) { try disk.ops.sync(fd) }
            disk.ops.close(fd)
            closed = true
            return count
        } catch {
            if !closed { disk.ops.close(fd) }
            disk.remove(name)
            throw error
        }
    }

    /// The snapshot's bytes, in order, handed to `sink` (header, then each sealed chunk), from
    /// records produced twice as `write` describes. Returns the number of chunks.
    @discardableResult
    static func stream(key: SymmetricKey, storeID: [UInt8], snapshotID: [UInt8], version: UInt16 = Snapshot.version,
                       checkpointChunks: Int = 0,
                       records: (_ emit: (Item) throws(StoreError) -> Void) throws(StoreError) -> Void,
                       sink: ([UInt8]) throws(StoreError) -> Void) throws(StoreError) -> Int {
        var sizing = Chunker(countOnly: true)
        try records { r throws(StoreError) in _ = sizing.add(r) }
        _ = sizing.finish()
        guard sizing.chunks <= Int(maxChunks) else {
            throw .damaged(file: "snapshot", detail: "\(sizing.chunks) chunks: more than a snapshot can hold")
        }
        let count = UInt32(sizing.chunks)
        guard checkpointChunks < sizing.chunks, checkpointChunks <= Int(UInt16.max) else {
            throw .damaged(file: "snapshot", detail: "a checkpoint of \(checkpointChunks) chunks does not fit")
        }
        try sink(header(count: count, storeID: storeID, snapshotID: snapshotID, version: version, checkpointChunks: UInt16(checkpointChunks)))
        var chunker = Chunker()
        var index: UInt32 = 0
        // `sink` is only called from inside `records`, never kept.
        let result: Result<Void, StoreError> = withoutActuallyEscaping(sink) { sink in
            do throws(StoreError) {
                try records { r throws(StoreError) in
                    if let c = chunker.add(r) {
                        guard index + 1 < count else { throw .damaged(file: "snapshot", detail: "records changed between the two passes") }
                        try sink(sealChunk(c, index: index, count: count, key: key, storeID: storeID, snapshotID: snapshotID))
                        index += 1
                    }
                }
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        try result.get()
        let last = chunker.finish()
        guard index + 1 == count else { throw .damaged(file: "snapshot", detail: "records changed between the two passes") }
        try sink(sealChunk(last, index: index, count: count, key: key, storeID: storeID, snapshotID: snapshotID))
        return Int(count)
    }

    struct Header {
        var count: UInt32
        var snapshotID: [UInt8]
        var version: UInt16 = Snapshot.version
        /// Version 2: the last this many chunks hold the ledger checkpoint (a cache: readers
        /// of the contents pass over them without decrypting them).
        var checkpointChunks: UInt32 = 0
        var contentChunks: UInt32 { count - checkpointChunks }
    }

    static func parseHeader(_ b: [UInt8], storeID: [UInt8]?, file: String = "snapshot") throws(StoreError) -> Header {
        guard b.count >= headerSize else { throw .damaged(file: file, detail: "header incomplete (\(b.count) bytes)") }
        guard Array(b[0..<8]) == magic else { throw .damaged(file: file, detail: "not a Senim snapshot (bad magic)") }
        let v = UInt16(b[8]) | UInt16(b[9]) << 8
        guard v == version || v == checkpointVersion else { throw .unsupportedVersion(Int(v)) }
        guard Primitives.checksum(b[0..<48], 16) == Array(b[48..<64]) else {
            throw .damaged(file: file, detail: "header checksum mismatch (bytes 0–63)")
        }
        let count = UInt32(b[12]) | UInt32(b[13]) << 8 | UInt32(b[14]) << 16 | UInt32(b[15]) << 24
        guard count >= 1, count <= maxChunks else { throw .damaged(file: file, detail: "impossible chunk count \(count)") }
        if let storeID, Array(b[16..<32]) != storeID { throw .damaged(file: file, detail: "belongs to another store") }
        let cp = v == checkpointVersion ? UInt32(b[10]) | UInt32(b[11]) << 8 : 0
        guard v == checkpointVersion || b[10] == 0 && b[11] == 0 else { throw .damaged(file: file, detail: "reserved bytes 10–11 are not zero") }
        guard cp < count else { throw .damaged(file: file, detail: "\(cp) checkpoint chunks of \(count)") }
        return Header(count: count, snapshotID: Array(b[32..<48]), version: v, checkpointChunks: cp)
    }

    struct Read {
        var records: [[Record]] = []
        /// Chunk problems: index and reason (salvage mode only; otherwise the first throws).
        var damaged: [(index: Int, reason: String)] = []
        /// Salvage mode: byte ranges that hold no authentic chunk, with why.
        var skippedRegions: [(offset: Int, bytes: Int, reason: String)] = []
    }

    /// Salvage of a snapshot read through `b` (a `FileWindow`: never the whole file at once):
    /// what `read(_:salvage: true)` finds in the same bytes.
    static func salvage(_ b: some ByteSource, key: SymmetricKey, storeID: [UInt8], file: String = "snapshot") throws(StoreError) -> Read {
        let h = try parseHeader(Array(b.bytes(0..<min(headerSize, b.count))), storeID: storeID, file: file)
        return salvageScan(b, h, key: key, storeID: storeID)
    }

    /// Decrypts every chunk. Without `salvage`, the first problem throws `.damaged`.
    static func read(_ b: [UInt8], key: SymmetricKey, storeID: [UInt8], file: String = "snapshot",
                     salvage: Bool = false) throws(StoreError) -> Read {
        let h = try parseHeader(b, storeID: storeID, file: file)
        var out = Read()
        var off = headerSize
        var index: UInt32 = 0
        func chunk(at off: Int, _ i: UInt32) -> Result<(Int, [Record]), FormatError> {
            guard b.count - off >= chunkHeader else { return .failure(FormatError("chunk header incomplete")) }
            let L = UInt32(b[off]) | UInt32(b[off + 1]) << 8 | UInt32(b[off + 2]) << 16 | UInt32(b[off + 3]) << 24
            guard Array(b[off + 4..<off + 8]) == check(h.snapshotID, L, i) else { return .failure(FormatError("chunk header check mismatch")) }
            guard Buckets.isBucket(Int(L) - Primitives.tagSize), off + chunkHeader + Int(L) <= b.count else {
                return .failure(FormatError("chunk length \(L) impossible or past end of file"))
            }
            if i >= h.contentChunks { return .success((chunkHeader + Int(L), [])) }   // the checkpoint: not contents
            guard let plain = Primitives.open(b[(off + chunkHeader)..<(off + chunkHeader + Int(L))], nonce: b[(off + 8)..<(off + 20)],
                                              key: key, ad: ad(storeID, h.snapshotID, i, h.count)) else {
                return .failure(FormatError("authentication failed"))
            }
            do { return .success((chunkHeader + Int(L), try Record.decode(try Buckets.unpad(plain)))) } catch {
                return .failure(FormatError("authenticated chunk is malformed: \(error)"))
            }
        }
        if salvage { return salvageScan(b, h, key: key, storeID: storeID) }
        while index < h.count {
            switch chunk(at: off, index) {
            case .success(let (len, recs)):
                if index < h.contentChunks { out.records.append(recs) }
                off += len
            case .failure(let why):
                throw .damaged(file: file, detail: "chunk \(index) of \(h.count) at offset \(off): \(why)")
            }
            index += 1
        }
        if !salvage && off != b.count {
            throw .damaged(file: file, detail: "\(b.count - off) unexpected bytes after the last chunk")
        }
        return out
    }

    /// Salvage: tries every offset for an authentic chunk of any index (so missing, swapped or
    /// repeated chunks are all found), keeps each index once, and lists every byte range that
    /// held none and every index never found.
    /// `b`: the whole file, or a `FileWindow` over it (salvage of a file of any size): the same
    /// chunks and the same report either way.
    static func salvageScan(_ b: some ByteSource, _ h: Header, key: SymmetricKey, storeID: [UInt8]) -> Read {
        var out = Read()
        var checks: [UInt32: [UInt32: UInt32]] = [:]  // L → (check word → index)
        let plausible = UInt32(min(Int(h.count), max(1, (b.count - headerSize) / (chunkHeader + Primitives.tagSize))))
        func index(for L: UInt32, check c: UInt32) -> UInt32? {
            if checks[L] == nil {
                var m: [UInt32: UInt32] = [:]
                for i in 0..<plausible {
                    let k = check(h.snapshotID, L, i)
                    m[UInt32(k[0]) | UInt32(k[1]) << 8 | UInt32(k[2]) << 16 | UInt32(k[3]) << 24] = i
                }
                checks[L] = m
            }
            return checks[L]![c]
        }
        var found: [UInt32: [Record]] = [:]
        var o = headerSize
        var gap: Int? = nil
        var gapReason = ""
        while o < b.count {
            var reason = "no chunk header here"
            if o + chunkHeader <= b.count {
                let L = b.u32(o)
                if Buckets.isBucket(Int(L) - Primitives.tagSize), o + chunkHeader + Int(L) <= b.count {
                    if let i = index(for: L, check: b.u32(o + 4)) {
                        if let plain = Primitives.open(b.bytes((o + chunkHeader)..<(o + chunkHeader + Int(L))), nonce: b.bytes((o + 8)..<(o + 20)),
                                                       key: key, ad: ad(storeID, h.snapshotID, i, h.count)),
                           let recs = try? Record.decode(try Buckets.unpad(plain)) {
                            if let g = gap { out.skippedRegions.append((g, o - g, gapReason)); gap = nil }
                            if found[i] == nil { found[i] = recs }
                            o += chunkHeader + Int(L)
                            continue
                        }
                        reason = "chunk \(i) fails authentication"
                    }
                } else if Buckets.isBucket(Int(L) - Primitives.tagSize) {
                    reason = "a chunk of \(L) bytes would run past the end of the file"
                }
            }
            if gap == nil { gap = o; gapReason = reason }
            o += 1
        }
        if let g = gap { out.skippedRegions.append((g, b.count - g, gapReason)) }
        for i in 0..<h.count {
            if let r = found[i] { out.records.append(r) } else { out.damaged.append((Int(i), "missing or damaged")) }
        }
        return out
    }
}

extension Snapshot {
    /// Reads and authenticates a snapshot file chunk by chunk and calls `body` with each chunk's
    /// index, decrypted plaintext and the range of its records, in order. A second thread reads
    /// and decrypts the next chunks while `body` works on the current one (both cores on open);
    /// at most `ahead` + 1 chunks are in memory. Errors are those of `read` (without salvage).
    /// `section`: the snapshot is these bytes of the file (inside a backup), not the whole file.
    static func forEachChunk(_ disk: Disk, _ name: String, key: SymmetricKey, storeID: [UInt8], file: String = "snapshot",
                             section: Range<Int>? = nil,
                             _ body: (Int, [UInt8], Range<Int>) throws(StoreError) -> Void) throws(StoreError) {
        let pipe = ChunkPipe(ahead: 2)
        let job = ChunkJob(disk: disk, name: name, key: key, storeID: storeID, file: file, pipe: pipe, section: section)
        let thread = Thread { job.run() }
        thread.stackSize = 1 << 20
        thread.start()
        defer { pipe.cancelAndWait() }
        while true {
            switch pipe.take() {
            case .failure(let e): throw e
            case .success(nil): return
            case .success(let chunk?): try body(chunk.index, chunk.plain, chunk.range)
            }
        }
    }

    struct PlainChunk: Sendable {
        var index: Int
        var plain: [UInt8]
        var range: Range<Int>
    }

    /// A bounded hand-over of decrypted chunks from the reading thread to the caller.
    /// `@unchecked Sendable`: every stored property is read and written only while holding
    /// `condition` (`ahead` is immutable).
    final class ChunkPipe: @unchecked Sendable {
        private let condition = NSCondition()
        private var queue: [Result<PlainChunk?, StoreError>] = []
        private var cancelled = false
        private var finished = false
        private let ahead: Int

        init(ahead: Int) { self.ahead = ahead }

        /// False once the reader should stop (the caller gave up).
        func put(_ r: Result<PlainChunk?, StoreError>) -> Bool {
            condition.lock()
            defer { condition.unlock() }
            while queue.count >= ahead && !cancelled { condition.wait() }
            guard !cancelled else { return false }
            queue.append(r)
            condition.broadcast()
            return true
        }

        func take() -> Result<PlainChunk?, StoreError> {
            condition.lock()
            defer { condition.unlock() }
            while queue.isEmpty { condition.wait() }
            condition.broadcast()
            return queue.removeFirst()
        }

        func done() {
            condition.lock()
            finished = true
            condition.broadcast()
            condition.unlock()
        }

        /// Stops the reader and waits until it has let go of the file.
        func cancelAndWait() {
            condition.lock()
            cancelled = true
            queue.removeAll()
            condition.broadcast()
            while !finished { condition.wait() }
            condition.unlock()
        }
    }

    /// The reading thread's work. `@unchecked Sendable` because `Disk` holds `any
    /// FileOperations`: the job only reads `name` through it, the caller's `body` does not use
    /// the file system while the pipe is open, and `forEachChunk` returns only after
    /// `cancelAndWait` (the reader has let go). The real file system is plain syscalls plus a
    /// locked fd table; `SymmetricKey` and the byte arrays are values.
    struct ChunkJob: @unchecked Sendable {
        var disk: Disk
        var name: String
        var key: SymmetricKey
        var storeID: [UInt8]
        var file: String
        var pipe: ChunkPipe
        var section: Range<Int>?

        func run() {
            defer { pipe.done() }
            do throws(StoreError) {
                try read()
            } catch {
                _ = pipe.put(.failure(error))
            }
        }

        private func read() throws(StoreError) {
            guard disk.exists(name) else { throw .damaged(file: file, detail: "missing") }
            let fd = try disk.run(name) { try disk.ops.open(disk.path(name), .readOnly) }
            defer { disk.ops.close(fd) }
            let fileSize = try disk.run(name) { try disk.ops.size(fd) }
            // Offsets below are within the snapshot; `base` is where it starts in the file.
            let base = section?.lowerBound ?? 0
            let size = min(fileSize, section?.upperBound ?? fileSize) - base
            guard size >= headerSize else { throw .damaged(file: file, detail: "header incomplete (\(max(0, size)) bytes)") }
            let head = try disk.run(name) { try disk.ops.read(fd, count: headerSize, at: base) }
            let h = try parseHeader(head, storeID: storeID, file: file)
            var off = headerSize
            for i in 0..<h.count {
                func fail(_ why: String) -> StoreError {
                    .damaged(file: file, detail: "chunk \(i) of \(h.count) at offset \(off): \(why)")
                }
                let ch = try disk.run(name) { try disk.ops.read(fd, count: min(chunkHeader, size - off), at: base + off) }
                guard ch.count == chunkHeader else { throw fail("chunk header incomplete") }
                let L = UInt32(ch[0]) | UInt32(ch[1]) << 8 | UInt32(ch[2]) << 16 | UInt32(ch[3]) << 24
                guard Array(ch[4..<8]) == check(h.snapshotID, L, i) else { throw fail("chunk header check mismatch") }
                guard Buckets.isBucket(Int(L) - Primitives.tagSize), off + chunkHeader + Int(L) <= size else {
                    throw fail("chunk length \(L) impossible or past end of file")
                }
                if i >= h.contentChunks {
                    // The ledger checkpoint: not contents, and not read here (`StoreCheckpoint`).
                    off += chunkHeader + Int(L)
                    continue
                }
                let sealed = try disk.run(name) { try disk.ops.read(fd, count: Int(L), at: base + off + chunkHeader) }
                guard sealed.count == Int(L),
                      let plain = Primitives.open(sealed[...], nonce: ch[8..<20], key: key, ad: ad(storeID, h.snapshotID, i, h.count)) else {
                    throw fail("authentication failed")
                }
                let range: Range<Int>
                do { range = try Buckets.contentRange(plain) } catch { throw fail("authenticated chunk is malformed: \(error)") }
                off += chunkHeader + Int(L)
                guard pipe.put(.success(PlainChunk(index: Int(i), plain: plain, range: range))) else { return }
            }
            if off != size { throw .damaged(file: file, detail: "\(size - off) unexpected bytes after the last chunk") }
            _ = pipe.put(.success(nil))
        }
    }
}
