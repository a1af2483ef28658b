import BenchCore
import Foundation
import SenimCore
import SenimStore

/// `senim-bench open`: the open without the KDF, repeated in one process — the KDF runs once
/// and its key is reused (`KeyDerivation` memoised), so each figure is the read, decrypt and
/// load alone. The minimum of the repeats is the least disturbed by other work on a shared
/// machine (for comparing two versions of the open, not for the targets: `run` measures those).
enum OpenRepeat {
    static func run(contacts n: Int, work: URL, repeats: Int, fold: Bool) throws {
        let cfg = try loadConfiguration()
        let dir = fold ? Fixtures.foldStoreDir(work, n) : Fixtures.storeDir(work, n)
        let memo = Memo()
        let derivation = KeyDerivation { passphrase, salt, params in
            memo.key(salt) { KeyDerivation.scrypt.derive(passphrase, salt: salt, params: params) }
        }
        var walls: [Double] = [], cpus: [Double] = []
        for i in 0...repeats {
            var s: Session?
            let t = try timed {
                s = try Session.open(at: dir, user: Fixtures.user, passphrase: Fixtures.passphrase, configuration: cfg,
                                     readOnly: true, derivation: derivation)
            }
            s?.close()
            s = nil
            if i == 0 { continue }   // the first open runs the KDF
            walls.append(t.wall)
            cpus.append(t.cpu)
            print(String(format: "open %d: %.0f ms wall, %.0f ms CPU (this thread)", i, t.wall * 1000, t.cpu * 1000))
        }
        print(String(format: "min %.0f ms wall, median %.0f ms; %@", (walls.min() ?? 0) * 1000,
                     Measure.percentile(walls, 0.5) * 1000, fold ? "folded (no checkpoint)" : "from the checkpoint"))
    }

    /// The one derived key, kept for the repeats. `@unchecked Sendable`: `key` is read and
    /// written only under `lock`.
    final class Memo: @unchecked Sendable {
        private let lock = NSLock()
        private var keys: [[UInt8]: [UInt8]] = [:]
        func key(_ salt: [UInt8], _ derive: () -> [UInt8]?) -> [UInt8]? {
            if let k = lock.withLock({ keys[salt] }) { return k }
            let k = derive()
            lock.withLock { keys[salt] = k }
            return k
        }
    }
}
