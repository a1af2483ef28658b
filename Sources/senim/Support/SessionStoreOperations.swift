import Foundation
import SenimCore
import SenimStore
import SenimTUI

/// The TUI's store and sync operations (`StoreOperations`, part of `TUIBackend`) on the real
/// store: the same calls as `senim backup`, `senim verify` and `senim sync …` — `OutputFile`
/// and `Session.backup` for backups, the open session's `verify()`, and `SyncBridge` (the one
/// caller of the sync engine) for identity, trust, untrust, export and import.
extension Session {
    public func backup(to path: String, progress: @escaping (Int, Int) -> Void) throws -> BackupOutcome {
        try Policy.require(role, .backup)
        let target = typedPath(path)
        // The output-path owner first (inside the store, an existing file, a folder), then the
        // store's own backup, which checks the same again and writes atomically.
        try withoutForce {
            try OutputFile.check(target, storeDirectory: storeDirectory, force: false)
            try backup(to: target, force: false, progress: progress)
        }
        let bytes = (try? FileManager.default.attributesOfItem(atPath: target.path)[.size] as? Int) ?? 0
        return BackupOutcome(path: target.standardizedFileURL.path, bytes: bytes, events: eventCount)
    }

    public func verifyStore(progress: @escaping (Int, Int) -> Void) throws -> VerifyOutcome {
        try Policy.require(role, .verify)
        let r = try verify(progress: progress)
        return VerifyOutcome(events: r.eventCount, lines: r.lines.map { .init(file: $0.file, ok: $0.ok, text: $0.text) })
    }

    public func syncOverview() throws -> SyncOverview {
        let e = try SyncBridge.engine(self)
        let peers = try e.peers().map {
            SyncPeer(name: $0.name, fingerprint: $0.fingerprint,
                     status: Message("sync.peer.status", $0.name, String($0.bundlesSent), String($0.acknowledged), String($0.bundlesImported)),
                     lastSent: $0.lastExportAt, lastReceived: $0.lastImportAt)
        }
        return SyncOverview(identityLine: try e.identityLine(), fingerprint: try e.identityFingerprint(), peers: peers)
    }

    public func trustPeer(name: String, line: String) throws -> Message {
        try PrivacyGuard.require(name)
        return try SyncBridge.trust(self, name: name, key: line)
    }

    public func untrustPeer(_ name: String) throws -> Message { try SyncBridge.untrust(self, name: name) }

    public func exportBundle(for peer: String, to path: String) throws -> [Message] {
        let target = typedPath(path)
        return try withoutForce {
            try OutputFile.check(target, storeDirectory: storeDirectory, force: false)
            return try SyncBridge.export(self, to: peer, all: false, file: target, store: storeDirectory, force: false)
        }
    }

    public func importBundle(from path: String, progress: @escaping (Int, Int) -> Void) throws -> [Message] {
        let file = typedPath(path)
        guard FileManager.default.isReadableFile(atPath: file.path) else { throw Message("cli.file.missing", file.path) }
        return try SyncBridge.importBundle(self, file: file, progress: progress)
    }
}

/// A path typed in the TUI: `~` expanded, relative to the working folder.
private func typedPath(_ path: String) -> URL { URL(fileURLWithPath: Runtime.expand(path)) }

/// `OutputFile`'s "exists" refusal says "add --force"; the TUI has no such flag.
private func withoutForce<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch let e as StoreError {
        if case .invalid(let m) = e, m.key == "store.output.exists" { throw Message("tui.output.exists", m.args.first ?? "") }
        throw e
    }
}
