/// Bytes read by offset: a whole file held in memory (`[UInt8]`), or a file read through a
/// bounded window (`FileWindow`, salvage). The journal's scan and the snapshot's salvage scan
/// are written once against this, so the windowed read finds exactly what the whole read finds.
protocol ByteSource {
    var count: Int { get }
    /// The bytes of `range` (within `0..<count`). The slice's indices need not be file offsets.
    func bytes(_ range: Range<Int>) -> ArraySlice<UInt8>
}

extension ByteSource {
    /// The little-endian word at `at` (`at + 4 <= count`).
    func u32(_ at: Int) -> UInt32 {
        let s = bytes(at..<at + 4), i = s.startIndex
        return UInt32(s[i]) | UInt32(s[i + 1]) << 8 | UInt32(s[i + 2]) << 16 | UInt32(s[i + 3]) << 24
    }

    func u64(_ at: Int) -> UInt64 { UInt64(u32(at)) | UInt64(u32(at + 4)) << 32 }
}

extension Array: ByteSource where Element == UInt8 {
    func bytes(_ range: Range<Int>) -> ArraySlice<UInt8> { self[range] }
}

/// A store file read through a window of at most `window` bytes (salvage reads damaged files
/// of any size this way): a request inside the window is served from it, one outside moves the
/// window to start there, and a request larger than the window (a chunk or frame of up to
/// `Buckets.maximum` bytes, which its checked header announced) is read on its own and not
/// kept. So no single read, and no buffer held, is larger than the window or the largest
/// chunk the format allows, whatever the file's size; and nothing that straddles a window
/// boundary is missed, because every request is served whole.
///
/// A read error does not stop the scan: the bytes read as zeros (which authenticate as
/// nothing) and `failure` keeps the first error for the caller to report.
final class FileWindow: ByteSource {
    static let defaultWindow = 4 << 20

    let count: Int
    let window: Int
    private let disk: Disk
    private let name: String
    private let fd: Int32
    private var buffer: [UInt8] = []
    private var start = 0
    private(set) var failure: StoreError?

    /// Nil when the file does not exist.
    init?(_ disk: Disk, _ name: String, window: Int = FileWindow.defaultWindow) throws(StoreError) {
        guard disk.exists(name) else { return nil }
        self.disk = disk
        self.name = name
        self.window = max(64, window)
        let f = try disk.run(name) { try disk.ops.open(disk.path(name), .readOnly) }
        do { count = try disk.run(name) { try disk.ops.size(f) } } catch {
            disk.ops.close(f)
            throw error
        }
        fd = f
    }

    deinit { disk.ops.close(fd) }

    func bytes(_ range: Range<Int>) -> ArraySlice<UInt8> {
        if range.lowerBound >= start && range.upperBound <= start + buffer.count {
            return buffer[(range.lowerBound - start)..<(range.upperBound - start)]
        }
        if range.count > window { return read(range)[...] }
        buffer = []   // let go of the old window before reading the next
        buffer = read(range.lowerBound..<min(count, range.lowerBound + window))
        start = range.lowerBound
        return buffer[0..<range.count]
    }

    private func read(_ range: Range<Int>) -> [UInt8] {
        do {
            let b = try disk.run(name) { try disk.ops.read(fd, count: range.count, at: range.lowerBound) }
            if b.count == range.count { return b }
            if failure == nil { failure = .damaged(file: name, detail: "shorter than its size while being read (offset \(range.lowerBound + b.count))") }
            return b + [UInt8](repeating: 0, count: range.count - b.count)
        } catch {
            if failure == nil { failure = error }
            return [UInt8](repeating: 0, count: range.count)
        }
    }
}
