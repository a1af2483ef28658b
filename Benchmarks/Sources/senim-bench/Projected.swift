import BenchCore
import Foundation
import SenimCore

/// What opening would cost with `LedgerLoader` in the store's read path: the same event
/// records, streamed in ~1 MiB chunks as the snapshot's chunks would arrive once decrypted,
/// loaded straight into the ledger. Run in its own child so its memory peak is its own.
enum Projected {
    static func run(contacts n: Int, work: URL) throws {
        let cfg = try loadConfiguration()
        guard let h = FileHandle(forReadingAtPath: Fixtures.eventsPath(work, n)) else {
            throw BenchError("missing \(Fixtures.eventsPath(work, n)): run the benchmark's prepare step")
        }
        let before = memoryStatus()
        // The store knows its files' sizes before reading them: capacities up front.
        let size = (try? FileManager.default.attributesOfItem(atPath: Fixtures.eventsPath(work, n))[.size] as? Int) ?? 0
        var loader = LedgerLoader(catalogue: cfg.catalogue, points: cfg.points, expectedEvents: (size ?? 0) / 140)
        var loading: UInt64 = 0
        var loadingCPU: UInt64 = 0
        var bytes = 0
        let wall = try seconds {
            while let head = try h.read(upToCount: 4), head.count == 4 {
                let len = Int(head.withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(as: UInt32.self)) })
                guard let chunk = try h.read(upToCount: len), chunk.count == len else { throw BenchError("truncated chunk") }
                bytes += len
                let t0 = now(), c0 = cpuNow()
                try chunk.withUnsafeBytes { try loader.load(encoded: $0) }
                loading += now() - t0
                loadingCPU += cpuNow() - c0
            }
            let t0 = now(), c0 = cpuNow()
            let state = loader.finish()
            loading += now() - t0
            loadingCPU += cpuNow() - c0
            Measure.emit("loader_events", Double(state.eventCount))
            let after = memoryStatus()
            Measure.emit("loader_rss_peak_mb", Double(after.peak) / 1_048_576)
            Measure.emit("loader_rss_now_mb", Double(after.current) / 1_048_576)
            _ = before
        }
        Measure.emit("loader_s", Double(loading) / 1e9)
        Measure.emit("loader_cpu_s", Double(loadingCPU) / 1e9)
        Measure.emit("loader_wall_s", wall)
        Measure.emit("loader_plaintext_mb", Double(bytes) / 1_048_576)
    }
}
