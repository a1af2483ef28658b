import Foundation
import SenimCore

/// Phase-1 micro figures: decode, fold, apply, load, prefix search.
public enum CoreBench {
    public static func loaderOnly(contacts n: Int) throws {
        let cfg = try loadConfiguration()
        let (bytes, count) = try BenchData.encoded(contacts: n, cfg)
        print("events \(count), \(bytes.count) bytes")
        let summary = try BenchData.generate(contacts: n, cfg) { _ in }
        print(summary.counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        let runs = Int(ProcessInfo.processInfo.environment["RUNS"] ?? "") ?? 3
        for _ in 0..<runs {
            let c0 = cpuNow()
            let t = try seconds {
                var l = LedgerLoader(catalogue: cfg.catalogue, points: cfg.points)
                try bytes.withUnsafeBytes { raw in try l.load(encoded: raw) }
                _ = l.finish()
            }
            let c = Double(cpuNow() - c0) / 1e9
            print(String(format: "loader %.3f s (cpu %.3f s), %.3f µs/event", t, c, c * 1e6 / Double(count)))
        }
    }

    public static func run(contacts n: Int) throws {
        let cfg = try loadConfiguration()
        let cat = cfg.catalogue
        let events = try BenchData.events(contacts: n, cfg)
        var w = BinaryWriter(capacity: n * 150)
        for e in events { EventCodec.encode(e, into: &w) }
        let bytes = w.bytes
        print("events \(events.count), encoded \(bytes.count) bytes (\(bytes.count / events.count) per event)")
        let perEvent = { (s: Double) in String(format: "%.3f µs/event", s * 1e6 / Double(events.count)) }

        let tDecode = try bestCPU(3) {
            try bytes.withUnsafeBytes { raw in
                var r = BinaryReader(raw)
                var k = 0
                while r.remaining > 0 { let e = try EventCodec.decode(from: &r); k &+= Int(e.at & 1) }
                if k == -1 { print(k) }
            }
        }
        print("decode (EventCodec.decode(from:))  \(String(format: "%.3f s", tDecode))  \(perEvent(tDecode))")

        var folded = LedgerState()
        let tFold = bestCPU(3) { folded = LedgerState.fold(events, catalogue: cat, points: cfg.points) }
        print("fold (pre-decoded, sorted input)   \(String(format: "%.3f s", tFold))  \(perEvent(tFold))")

        var shuffled = events
        var g = SystemRandomNumberGenerator()
        shuffled.shuffle(using: &g)
        let tFoldShuf = bestCPU(1) { _ = LedgerState.fold(shuffled, catalogue: cat, points: cfg.points) }
        print("fold (pre-decoded, shuffled)       \(String(format: "%.3f s", tFoldShuf))  \(perEvent(tFoldShuf))")
        shuffled = []

        let tApply = bestCPU(3) {
            var s = LedgerState(catalogue: cat, points: cfg.points)
            s.reserve(events.count)
            for e in events { s.append(e) }
            if s.eventCount == -1 { print("") }
        }
        print("append (pre-decoded)               \(String(format: "%.3f s", tApply))  \(perEvent(tApply))")

        let tDecApply = try bestCPU(3) {
            var s = LedgerState(catalogue: cat, points: cfg.points)
            try bytes.withUnsafeBytes { raw in
                var r = BinaryReader(raw)
                while r.remaining > 0 { s.append(try EventCodec.decode(from: &r)) }
            }
            if s.eventCount == -1 { print("") }
        }
        print("decode + append                    \(String(format: "%.3f s", tDecApply))  \(perEvent(tDecApply))")

        var loaded = LedgerState()
        let tLoader = try bestCPU(3) {
            var l = LedgerLoader(catalogue: cat, points: cfg.points)
            try bytes.withUnsafeBytes { raw in try l.load(encoded: raw) }
            loaded = l.finish()
        }
        print("LedgerLoader.load(encoded:)+finish \(String(format: "%.3f s", tLoader))  \(perEvent(tLoader))")
        print("  loader == fold: contacts \(loaded.contacts == folded.contacts), items \(loaded.contactItems == folded.contactItems), clients \(loaded.clients == folded.clients), stock \(loaded.stock == folded.stock)")

        // Prefix search: type each of a few codes one character at a time.
        let codes = folded.clients.prefix(50).map(\.uic.code)
        var keystrokes = 0
        let tSearch = seconds {
            for c in codes {
                var p = ""
                for ch in c { p.append(ch); keystrokes += 1; _ = folded.clients(withPrefix: p) }
            }
        }
        print("clients(withPrefix:) over \(folded.clients.count) clients: \(String(format: "%.3f ms", tSearch * 1e3 / Double(keystrokes)))/keystroke")
        let m = memoryStatus()
        print("peak RSS \(m.peak / 1_048_576) MB")
    }
}
