import Foundation
import SenimCore

/// Work for the second core: `side` runs on a thread of its own while the caller does its
/// part, and `join` waits for its result. Used when opening from a ledger checkpoint (the
/// id set is built while the ledger decodes). The snapshot reader has its own pipe
/// (`Snapshot.forEachChunk`), because it hands over many results, not one.
final class SecondThread<Result: Sendable>: @unchecked Sendable {
    // `@unchecked Sendable`: `result` is written once by the thread and read by `join`, both
    // only while holding `condition`.
    private let condition = NSCondition()
    private var result: Result?

    init(_ side: @escaping @Sendable () -> Result) {
        let thread = Thread { [self] in
            let r = side()
            condition.lock()
            result = r
            condition.broadcast()
            condition.unlock()
        }
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// Waits until `side` has returned and gives its result.
    func join() -> Result {
        condition.lock()
        defer { condition.unlock() }
        while result == nil { condition.wait() }
        return result!
    }
}

extension Alongside {
    /// `LedgerState(checkpoint:)`'s second part on a thread of its own (`SecondThread`).
    static let secondThread = Alongside { work in
        let thread = SecondThread { work() }
        return { thread.join() }
    }
}
