/// UTF-8 validation without creating a `String` (the loader keeps most text as interned ids).
/// Accepts exactly what `String(validating:as: UTF8.self)` accepts: shortest forms only, no
/// surrogates, nothing above U+10FFFF.
enum UTF8Check {
    /// True if every byte is below 0x80 (the common case: ids and client codes).
    @inline(__always)
    static func isASCII(_ b: UnsafeRawBufferPointer) -> Bool {
        let n = b.count
        guard let p = b.baseAddress else { return true }
        let high: UInt64 = 0x8080_8080_8080_8080
        if n >= 8 {
            var acc = p.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
            var i = 0
            while i + 8 <= n {
                acc |= p.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                i += 8
            }
            return acc & high == 0
        }
        if n >= 4 {
            let acc = p.loadUnaligned(as: UInt32.self) | p.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)
            return acc & 0x8080_8080 == 0
        }
        var acc: UInt8 = 0
        for i in 0..<n { acc |= p.load(fromByteOffset: i, as: UInt8.self) }
        return acc & 0x80 == 0
    }

    @inline(__always)
    static func isValid(_ b: UnsafeRawBufferPointer) -> Bool {
        isASCII(b) || isValidSlow(b)
    }

    static func isValidSlow(_ b: UnsafeRawBufferPointer) -> Bool {
        let n = b.count
        var i = 0
        while i < n {
            let c0 = b[i]
            if c0 < 0x80 { i += 1; continue }
            @inline(__always) func cont(_ k: Int) -> Bool { i + k < n && b[i + k] & 0xC0 == 0x80 }
            switch c0 {
            case 0xC2...0xDF:
                guard cont(1) else { return false }
                i += 2
            case 0xE0...0xEF:
                guard cont(1), cont(2) else { return false }
                let c1 = b[i + 1]
                if c0 == 0xE0 && c1 < 0xA0 { return false }        // overlong
                if c0 == 0xED && c1 > 0x9F { return false }        // surrogates
                i += 3
            case 0xF0...0xF4:
                guard cont(1), cont(2), cont(3) else { return false }
                let c1 = b[i + 1]
                if c0 == 0xF0 && c1 < 0x90 { return false }        // overlong
                if c0 == 0xF4 && c1 > 0x8F { return false }        // above U+10FFFF
                i += 4
            default:
                return false
            }
        }
        return true
    }
}
