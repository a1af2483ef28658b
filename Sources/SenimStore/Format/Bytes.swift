import SenimCore

/// Little-endian fixed-width fields and the core's varint/string encoding.
struct ByteWriter {
    var bytes: [UInt8] = []

    init(capacity: Int = 64) { bytes.reserveCapacity(capacity) }

    mutating func u8(_ v: UInt8) { bytes.append(v) }
    mutating func u16(_ v: UInt16) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func raw(_ b: [UInt8]) { bytes.append(contentsOf: b) }
    mutating func raw(_ b: ArraySlice<UInt8>) { bytes.append(contentsOf: b) }

    mutating func varint(_ v: UInt64) {
        var v = v
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    mutating func blob(_ b: [UInt8]) {
        varint(UInt64(b.count))
        bytes.append(contentsOf: b)
    }

    mutating func string(_ s: String) { blob(Array(s.utf8)) }

    mutating func zeros(_ n: Int) { if n > 0 { bytes.append(contentsOf: repeatElement(0, count: n)) } }
}

/// Thrown by `ByteReader`; callers turn it into a `StoreError.damaged` naming the file.
struct FormatError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

/// Bounds-checked reading; never traps on hostile input.
struct ByteReader {
    let bytes: [UInt8]
    var offset: Int
    let end: Int

    init(_ bytes: [UInt8], offset: Int = 0, end: Int? = nil) {
        self.bytes = bytes
        self.offset = offset
        self.end = min(end ?? bytes.count, bytes.count)
    }

    var remaining: Int { end - offset }

    mutating func take(_ n: Int, _ what: String) throws(FormatError) -> ArraySlice<UInt8> {
        guard n >= 0, n <= remaining else { throw FormatError("\(what): needs \(n) bytes, \(max(0, remaining)) left") }
        defer { offset += n }
        return bytes[offset..<offset + n]
    }

    mutating func u8(_ w: String) throws(FormatError) -> UInt8 { try take(1, w).first! }

    mutating func u16(_ w: String) throws(FormatError) -> UInt16 {
        let s = try take(2, w)
        return UInt16(s[s.startIndex]) | UInt16(s[s.startIndex + 1]) << 8
    }

    mutating func u32(_ w: String) throws(FormatError) -> UInt32 {
        let s = try take(4, w)
        var v: UInt32 = 0
        for (i, b) in s.enumerated() { v |= UInt32(b) << (8 * UInt32(i)) }
        return v
    }

    mutating func u64(_ w: String) throws(FormatError) -> UInt64 {
        let s = try take(8, w)
        var v: UInt64 = 0
        for (i, b) in s.enumerated() { v |= UInt64(b) << (8 * UInt64(i)) }
        return v
    }

    mutating func varint(_ w: String) throws(FormatError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let b = try u8(w)
            if shift == 63 && b > 1 { throw FormatError("\(w): malformed number") }
            result |= UInt64(b & 0x7f) << shift
            if b < 0x80 { return result }
            shift += 7
            if shift > 63 { throw FormatError("\(w): malformed number") }
        }
    }

    mutating func count(_ w: String, max: Int) throws(FormatError) -> Int {
        let n = try varint(w)
        guard n <= UInt64(max) else { throw FormatError("\(w): \(n) is more than \(max)") }
        return Int(n)
    }

    mutating func blob(_ w: String, max: Int) throws(FormatError) -> [UInt8] {
        let n = try count(w, max: max)
        return Array(try take(n, w))
    }

    mutating func string(_ w: String, max: Int) throws(FormatError) -> String {
        let b = try blob(w, max: max)
        guard let s = String(validating: b, as: UTF8.self) else { throw FormatError("\(w): not UTF-8") }
        return s
    }
}

extension Array where Element == UInt8 {
    /// 32 lowercase hex digits for ids in reports.
    var hex: String { map { String(format: "%02x", $0) }.joined() }
}

/// Frame and chunk plaintexts are padded to one of these sizes so that the length of a
/// record says little about its content: 256 bytes, then powers of two up to 64 MiB.
enum Buckets {
    static let minimum = 256
    static let maximum = 1 << 26

    static func size(for n: Int) -> Int? {
        guard n <= maximum else { return nil }
        var b = minimum
        while b < n { b <<= 1 }
        return b
    }

    static func isBucket(_ n: Int) -> Bool { n >= minimum && n <= maximum && n & (n - 1) == 0 }

    /// `u32 length ‖ content ‖ zeros` to a bucket (nil when too large).
    static func pad(_ content: [UInt8], minimum: Int = Buckets.minimum) -> [UInt8]? {
        guard let b = size(for: max(content.count + 4, minimum)) else { return nil }
        var w = ByteWriter(capacity: b)
        w.u32(UInt32(content.count))
        w.raw(content)
        w.zeros(b - w.bytes.count)
        return w.bytes
    }

    static func unpad(_ plain: [UInt8]) throws(FormatError) -> [UInt8] {
        Array(plain[try contentRange(plain)])
    }

    /// Where the content of a padded plaintext is (no copy).
    static func contentRange(_ plain: [UInt8]) throws(FormatError) -> Range<Int> {
        var r = ByteReader(plain)
        let n = Int(try r.u32("content length"))
        _ = try r.take(n, "content")
        return 4..<4 + n
    }
}
