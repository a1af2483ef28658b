import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Monotonic time in nanoseconds.
@inline(__always) public func now() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

/// CPU time of the calling thread in nanoseconds (less disturbed by other processes).
@inline(__always) public func cpuNow() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

/// Runs `body` and returns seconds taken.
@inline(__always) public func seconds(_ body: () throws -> Void) rethrows -> Double {
    let t0 = now()
    try body()
    return Double(now() - t0) / 1e9
}

/// Runs `body`; returns wall seconds and this thread's CPU seconds.
public func timed(_ body: () throws -> Void) rethrows -> (wall: Double, cpu: Double) {
    let c0 = cpuNow()
    let t0 = now()
    try body()
    return (Double(now() - t0) / 1e9, Double(cpuNow() - c0) / 1e9)
}

/// Best of `runs` (seconds of wall time).
public func best(_ runs: Int, _ body: () throws -> Void) rethrows -> Double {
    var b = Double.infinity
    for _ in 0..<runs { b = min(b, try seconds(body)) }
    return b
}

/// Best of `runs` in thread CPU seconds (for micro figures on a busy machine).
public func bestCPU(_ runs: Int, _ body: () throws -> Void) rethrows -> Double {
    var b = Double.infinity
    for _ in 0..<runs {
        let t0 = cpuNow()
        try body()
        b = min(b, Double(cpuNow() - t0) / 1e9)
    }
    return b
}

/// Peak resident set (VmHWM) and current (VmRSS) in bytes, from /proc/self/status.
public func memoryStatus() -> (peak: Int, current: Int) {
    guard let f = fopen("/proc/self/status", "r") else { return (0, 0) }
    defer { fclose(f) }
    var peak = 0, current = 0
    var line = [CChar](repeating: 0, count: 512)
    while fgets(&line, Int32(line.count), f) != nil {
        let s = String(cString: line)
        func kb(_ s: String) -> Int { (Int(s.split(separator: " ").dropFirst().first ?? "0") ?? 0) * 1024 }
        if s.hasPrefix("VmHWM:") { peak = kb(s.replacingOccurrences(of: "\t", with: " ")) }
        if s.hasPrefix("VmRSS:") { current = kb(s.replacingOccurrences(of: "\t", with: " ")) }
    }
    return (peak, current)
}

/// Flushes standard output (progress lines reach the terminal or the parent at once).
public func flushOut() { fflush(nil) }
