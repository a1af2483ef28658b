import Foundation
import SenimCore
import Testing
@testable import SenimStore
#if canImport(Glibc)
import Glibc
import SenimTestSupport
#endif

/// A child process running `senim-store-torture`, with its stdout read line by line.
final class Child {
    let process = Process()
    private let out = Pipe()
    private let err = Pipe()
    private var buffer: [UInt8] = []
    private(set) var lines: [String] = []

    static let binary: URL? = {
        var candidates: [URL] = []
        if let a = CommandLine.arguments.first { candidates.append(URL(fileURLWithPath: a).deletingLastPathComponent()) }
        if let e = Bundle.main.executableURL { candidates.append(e.deletingLastPathComponent()) }
        candidates.append(TestSupport.packageRoot.appendingPathComponent(".build/debug"))
        for c in candidates {
            let u = c.appendingPathComponent("senim-store-torture")
            if FileManager.default.isExecutableFile(atPath: u.path) { return u }
        }
        return nil
    }()

    /// Starts the helper; the passphrase (and, in debug builds, the derived key) go to stdin.
    init(_ mode: String, store: URL, user: String, passphrase: String, kdfLine: String?) throws {
        guard let bin = Child.binary else { throw StoreError.noStore(path: "senim-store-torture (build it with swift build)") }
        process.executableURL = bin
        process.arguments = [mode, store.path, TestSupport.configDirectory.path, user]
        let input = Pipe()
        process.standardInput = input
        process.standardOutput = out
        process.standardError = err
        try process.run()
        input.fileHandleForWriting.write(Data((passphrase + "\n" + (kdfLine ?? "") + "\n").utf8))
        try input.fileHandleForWriting.close()
    }

    var pid: Int32 { process.processIdentifier }

    /// Reads what is available (waits up to `timeout` for something).
    @discardableResult
    func pump(timeout: Double) -> Bool {
        let fd = out.fileHandleForReading.fileDescriptor
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&p, 1, Int32(timeout * 1000)) > 0 else { return false }
        var chunk = [UInt8](repeating: 0, count: 65_536)
        let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress!, 65_536) }
        guard n > 0 else { return false }
        buffer += chunk[0..<n]
        while let nl = buffer.firstIndex(of: 10) {
            lines.append(String(decoding: buffer[..<nl], as: UTF8.self))
            buffer.removeSubrange(...nl)
        }
        return true
    }

    /// Waits for a line starting with `prefix`.
    func wait(for prefix: String, timeout: Double = 60) -> String? {
        let end = Date().addingTimeInterval(timeout)
        while Date() < end {
            if let l = lines.first(where: { $0.hasPrefix(prefix) }) { return l }
            if !process.isRunning && !pump(timeout: 0.01) { return lines.first { $0.hasPrefix(prefix) } }
            pump(timeout: 0.05)
        }
        return nil
    }

    /// SIGKILL, then read everything it managed to write. A partial last line is discarded.
    func kill9() {
        _ = kill(pid, SIGKILL)
        process.waitUntilExit()
        while pump(timeout: 0.01) {}
    }

    var stderr: String { String(decoding: err.fileHandleForReading.availableData, as: UTF8.self) }
}

/// Tests 4 and 7: real processes, SIGKILL, and the flock.
@Suite(.serialized) struct ProcessTests {

    /// The salt, derived key and parameters of a user's slot, for the helper's stdin (debug
    /// builds only use it; the helper derives the key itself otherwise).
    func kdfLine(_ dir: URL, _ user: String, _ pass: String) throws -> String {
        let s = try TestSupport.open(dir, user: user, passphrase: pass)
        let kf = s.keysFile, index = s.slotIndex
        s.close()
        let params = Slot.params(kf.slots[index])
        let salt = Slot.salt(storeSalt: kf.storeSalt, name: user)
        let key = TestSupport.derivation.derive(Names.passphraseBytes(pass), salt: salt, params: params)!
        return salt.hex + key.hex + String(format: "%02x:%08x:%08x", params.logN, params.r, params.p)
    }

    /// Test 4: kill -9 a writer at random moments; every event id it printed after save
    /// returned must be in the store. Cycles: 200, or $SENIM_TORTURE_CYCLES (scripts/store-torture).
    @Test func killNineDuringAppends() throws {
        let cycles = Int(ProcessInfo.processInfo.environment["SENIM_TORTURE_CYCLES"] ?? "") ?? 200
        let dir = TestSupport.freshStore()
        defer { TestSupport.cleanup(dir) }
        let line = try kdfLine(dir, "dana", "dana pass")
        var acked = Set<EventID>()
        var g = SplitMix(seed: UInt64(cycles))
        var torn = 0
        for cycle in 0..<cycles {
            let child = try Child("append", store: dir, user: "dana", passphrase: "dana pass", kdfLine: line)
            guard child.wait(for: "ready") != nil else {
                child.kill9()
                Issue.record("cycle \(cycle): the helper did not start: \(child.stderr)")
                return
            }
            usleep(UInt32.random(in: 0...50_000, using: &g))
            child.kill9()
            let ids = child.lines.dropFirst().compactMap { EventID($0) }
            #expect(ids.count == child.lines.count - 1, "cycle \(cycle): unexpected output \(child.lines.suffix(2))")
            acked.formUnion(ids)
            let s = try TestSupport.open(dir, user: "dana", passphrase: "dana pass")
            if s.notices.contains(where: { $0.key == "store.notice.tornTail" }) { torn += 1 }
            let stored = Set(try s.events().map(\.id))
            let lost = acked.subtracting(stored)
            s.close()
            #expect(lost.isEmpty, "cycle \(cycle): \(lost.count) acknowledged events lost")
            if !lost.isEmpty { return }
        }
        #expect(acked.count > cycles)
        print("kill -9: \(cycles) cycles, \(acked.count) acknowledged events, all present; \(torn) torn tails dropped on reopen")
    }

    /// Test 7: a second process gets "in use (pid N)"; a lock left by a killed process does
    /// not block (the kernel releases a flock when its holder dies).
    @Test func lockAcrossProcesses() throws {
        let dir = TestSupport.freshStore()
        defer { TestSupport.cleanup(dir) }
        let line = try kdfLine(dir, "aigerim", "correct horse")
        let holder = try Child("hold", store: dir, user: "aigerim", passphrase: "correct horse", kdfLine: line)
        guard let locked = holder.wait(for: "locked") else {
            holder.kill9()
            Issue.record("the holder did not start: \(holder.stderr)")
            return
        }
        #expect(locked == "locked \(holder.pid)")
        // This process is refused, naming the holder.
        let e = storeError { _ = try TestSupport.open(dir) }
        #expect(e == .inUse(pid: holder.pid))
        #expect(e?.description.contains("pid \(holder.pid)") == true)
        // So is a second writer process.
        let second = try Child("append", store: dir, user: "aigerim", passphrase: "correct horse", kdfLine: line)
        second.process.waitUntilExit()
        #expect(second.process.terminationStatus == 2)
        #expect(second.stderr.contains("in use (pid \(holder.pid))"))
        // Kill the holder without letting it clean up: the lock goes with it.
        holder.kill9()
        let s = try TestSupport.open(dir)
        try s.save([TestSupport.contact(s, n: 1)])
        s.close()
    }
}
