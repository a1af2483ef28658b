import Foundation
import SenimCore

/// Runs one background job at a time on its own thread and hands what it reports to the UI
/// thread through a lock-protected mailbox, which the UI loop drains (`EffectRunner.poll`).
///
/// Thread rules: the job's `work` runs on the job thread and may call the backend (which is not
/// thread-safe); everything else — `update`, `view`, every other effect, curses — stays on the UI
/// thread, and the runner defers every effect asked for while a job runs, so the two never touch
/// the backend at the same time. The `finish` closure a job returns is run on the UI thread.
final class JobThread: @unchecked Sendable {
    // @unchecked: `items` is only touched under `lock`; the closures it holds are created on
    // the job thread and run once on the UI thread after the hand-over through that lock.
    enum Item {
        case progress(done: Int, total: Int)
        /// The job ended; run this on the UI thread for its message.
        case finished(() -> Msg?)
    }

    /// A job's work: called with a progress reporter, returns the UI-thread completion.
    typealias Work = (_ progress: @escaping (Int, Int) -> Void) -> () -> Msg?

    private let lock = NSLock()
    private var items: [Item] = []
    private let group = DispatchGroup()

    /// Starts `work` on a new thread.
    func start(_ work: @escaping Work) {
        let box = WorkBox(work)
        group.enter()
        let thread = Thread { [self] in
            var last = -1
            let finish = box.work { done, total in
                // Progress is posted only when the shown per-mille changes: a store reports
                // per chunk, the UI needs a few hundred updates at most.
                let permille = total > 0 ? Int((Int64(done) * 1000) / Int64(max(1, total))) : -1
                guard permille != last else { return }
                last = permille
                self.post(.progress(done: done, total: total))
            }
            self.post(.finished(finish))
            self.group.leave()
        }
        // scrypt and the store's streaming need no deep stack; 8 MiB matches the main thread.
        thread.stackSize = 8 << 20
        thread.name = "senim-job"
        thread.start()
    }

    private func post(_ item: Item) {
        lock.lock()
        items.append(item)
        lock.unlock()
    }

    /// Everything posted since the last call, in order.
    func take() -> [Item] {
        lock.lock()
        defer { items = []; lock.unlock() }
        return items
    }

    /// Blocks until the running job (if any) has posted its end.
    func wait() { group.wait() }
}

/// Carries a job's closure to its thread. @unchecked: the closure is called exactly once, on
/// the job thread, while the UI thread leaves what it captures (the backend) alone.
private final class WorkBox: @unchecked Sendable {
    let work: JobThread.Work
    init(_ work: @escaping JobThread.Work) { self.work = work }
}
