/// A compact binary encoding: LEB128 varints, zig-zag for signed values, length-prefixed UTF-8.
/// Foundation's JSON is far too slow to load a million events; this decodes millions a second.
public struct BinaryWriter: Sendable {
    public var bytes: [UInt8] = []
    public init(capacity: Int = 64) { bytes.reserveCapacity(capacity) }

    @inlinable public mutating func u8(_ v: UInt8) { bytes.append(v) }

    @inlinable public mutating func varint(_ v: UInt64) {
        var v = v
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    @inlinable public mutating func int(_ v: Int64) {
        varint(UInt64(bitPattern: (v << 1) ^ (v >> 63)))
    }

    @inlinable public mutating func fixed64(_ v: UInt64) {
        withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) }
    }

    public mutating func string(_ s: String) {
        var s = s
        s.withUTF8 { buf in
            varint(UInt64(buf.count))
            bytes.append(contentsOf: buf)
        }
    }

    public mutating func optionalString(_ s: String?) {
        if let s { u8(1); string(s) } else { u8(0) }
    }

    public mutating func blob(_ b: [UInt8]) {
        varint(UInt64(b.count))
        bytes.append(contentsOf: b)
    }
}

public enum CodecError: Error, Equatable, Sendable, CustomStringConvertible {
    case truncated
    case overlong
    case tooLarge(field: String, size: Int)
    case badTag(field: String, value: Int)
    case badUTF8
    case unsupportedVersion(Int)
    case trailingBytes(Int)

    public var description: String {
        switch self {
        case .truncated: "record ends too early"
        case .overlong: "malformed number"
        case .tooLarge(let f, let n): "field \(f) is too large (\(n))"
        case .badTag(let f, let v): "unknown value \(v) for \(f)"
        case .badUTF8: "text is not valid UTF-8"
        case .unsupportedVersion(let v): "record version \(v) is not supported"
        case .trailingBytes(let n): "\(n) unexpected bytes after the record"
        }
    }
}

public struct BinaryReader {
    public let bytes: UnsafeRawBufferPointer
    public var offset: Int

    public init(_ bytes: UnsafeRawBufferPointer, offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    public var remaining: Int { bytes.count - offset }

    @inlinable @inline(__always) public mutating func u8() throws(CodecError) -> UInt8 {
        guard offset < bytes.count else { throw .truncated }
        defer { offset += 1 }
        return bytes[offset]
    }

    @inlinable @inline(__always) public mutating func varint() throws(CodecError) -> UInt64 {
        // Most varints are one byte (indices, counts, small quantities).
        if offset < bytes.count {
            let b = bytes[offset]
            if b < 0x80 {
                offset += 1
                return UInt64(b)
            }
        }
        return try varintLong()
    }

    @usableFromInline mutating func varintLong() throws(CodecError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard offset < bytes.count else { throw .truncated }
            let b = bytes[offset]
            offset += 1
            if shift == 63 && b > 1 { throw .overlong }
            result |= UInt64(b & 0x7f) << shift
            if b < 0x80 { return result }
            shift += 7
            if shift > 63 { throw .overlong }
        }
    }

    @inlinable @inline(__always) public mutating func int() throws(CodecError) -> Int64 {
        let u = try varint()
        return Int64(bitPattern: (u >> 1) ^ (0 &- (u & 1)))
    }

    @inlinable @inline(__always) public mutating func int32(_ field: String) throws(CodecError) -> Int32 {
        let v = try int()
        guard let r = Int32(exactly: v) else { throw .tooLarge(field: field, size: Int(truncatingIfNeeded: v)) }
        return r
    }

    @inlinable public mutating func fixed64() throws(CodecError) -> UInt64 {
        guard remaining >= 8 else { throw .truncated }
        let v = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
        offset += 8
        return v
    }

    public mutating func length(_ field: String, max: Int) throws(CodecError) -> Int {
        let n = try varint()
        guard n <= UInt64(max) else { throw .tooLarge(field: field, size: Int(truncatingIfNeeded: n)) }
        guard Int(n) <= remaining else { throw .truncated }
        return Int(n)
    }

    /// A length-prefixed string, checked to be valid UTF-8, as a span of the input: no
    /// `String` is made (the loader resolves ids by their bytes). `string` is built on it.
    @inline(__always)
    public mutating func stringSpan(_ field: String, max: Int = 65_536) throws(CodecError) -> ByteSpan {
        let n = try length(field, max: max)
        let span = ByteSpan(start: offset, count: n)
        // Validate here (no generic, unspecialised decoding in the stdlib).
        guard UTF8Check.isValid(self.bytes(span)) else { throw .badUTF8 }
        offset += n
        return span
    }

    /// An optional string (tag 0 or 1) as a span; nil for none.
    @inline(__always)
    public mutating func optionalStringSpan(_ field: String) throws(CodecError) -> ByteSpan? {
        switch try u8() {
        case 0: return nil
        case 1: return try stringSpan(field)
        case let t: throw .badTag(field: field, value: Int(t))
        }
    }

    /// The bytes of a span read from this reader.
    @inline(__always)
    public func bytes(_ span: ByteSpan) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: bytes[span.start..<span.start + span.count])
    }

    /// The text of a span read by `stringSpan` (already checked to be valid UTF-8).
    public func text(_ span: ByteSpan) -> String {
        String(decoding: bytes(span), as: UTF8.self)
    }

    public mutating func string(_ field: String, max: Int = 65_536) throws(CodecError) -> String {
        text(try stringSpan(field, max: max))
    }

    public mutating func optionalString(_ field: String) throws(CodecError) -> String? {
        try optionalStringSpan(field).map { text($0) }
    }

    public mutating func blob(_ field: String, max: Int) throws(CodecError) -> [UInt8] {
        let n = try length(field, max: max)
        defer { offset += n }
        return Array(bytes[offset..<offset + n])
    }
}

/// Where a field's bytes are in the input of a `BinaryReader`.
public struct ByteSpan: Sendable, Equatable {
    public var start: Int
    public var count: Int
    public init(start: Int, count: Int) {
        self.start = start
        self.count = count
    }
}
