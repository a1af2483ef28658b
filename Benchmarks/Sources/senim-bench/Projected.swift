import BenchCore
import Foundation
import SenimCore

/// What opening would cost with `LedgerLoader` in the store's read path: the same event
/// records (as the snapshot holds them once decrypted) loaded straight into the ledger.
/// Run in its own child so its memory peak is its own.
enum Projected {
    static func run(contacts n: Int) throws {
        let cfg = try loadConfiguration()
        let (bytes, count) = try BenchData.encoded(contacts: n, cfg)
        // 1 MiB pieces on record boundaries, as the snapshot's chunks arrive (found untimed).
        var cuts: [Int] = [0]
        try bytes.withUnsafeBytes { raw in
            var r = BinaryReader(raw)
            while r.remaining > 0 {
                _ = try EventCodec.decode(from: &r)
                if r.offset - cuts.last! >= 1 << 20 || r.remaining == 0 { cuts.append(r.offset) }
            }
        }
        let before = memoryStatus()
        var state = LedgerState()
        let t = try seconds {
            var loader = LedgerLoader(catalogue: cfg.catalogue, points: cfg.points)
            try bytes.withUnsafeBytes { raw in
                for k in 1..<cuts.count {
                    try loader.load(encoded: UnsafeRawBufferPointer(rebasing: raw[cuts[k - 1]..<cuts[k]]))
                }
            }
            state = loader.finish()
        }
        let after = memoryStatus()
        Measure.emit("loader_s", t)
        Measure.emit("loader_events", Double(count))
        Measure.emit("loader_rss_peak_mb", Double(after.peak) / 1_048_576)
        Measure.emit("loader_rss_state_mb", Double(after.current - before.current) / 1_048_576)
        Measure.emit("loader_plaintext_mb", Double(bytes.count) / 1_048_576)
        if state.eventCount != count { throw BenchError("loader kept \(state.eventCount) of \(count) events") }
    }
}

