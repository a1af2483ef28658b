import Foundation
import SenimCore
import SenimStore

/// The one place that calls the sync engine (`SenimStore.SyncEngine`).
enum SyncBridge {
    static func engine(_ s: any StoreSession) throws -> SyncEngine {
        guard let store = s as? any SyncStore else { throw CLIFailure(Message("cli.internal", "session is not a SyncStore"), .software) }
        return SyncEngine(store: store)
    }

    static func identity(_ s: any StoreSession, env: CLIEnvironment) throws -> [String] {
        let e = try engine(s)
        let line = try e.identityLine()
        return [env.t("sync.identity.line"), line, env.t("sync.identity.fingerprint", try e.identityFingerprint())]
    }

    /// `sync identity --new`: a fresh identity; peers must untrust and trust the new line.
    static func renewIdentity(_ s: any StoreSession, env: CLIEnvironment) throws -> [String] {
        let e = try engine(s)
        let line = try e.renewIdentity()
        return [env.t("sync.identity.renewed"), line, env.t("sync.identity.fingerprint", try e.identityFingerprint())]
    }

    static func trust(_ s: any StoreSession, name: String, key: String, env: CLIEnvironment) throws -> String {
        env.text(try trust(s, name: name, key: key))
    }

    /// Trusts `key` under `name`; what to tell the user (the CLI and the TUI).
    static func trust(_ s: any StoreSession, name: String, key: String) throws -> Message {
        let e = try engine(s)
        try e.trust(name: name, key: key)
        let fingerprint = (try? e.peers().first { $0.name == name }?.fingerprint) ?? ""
        return Message("sync.trust.done", name, fingerprint)
    }

    static func peers(_ s: any StoreSession) throws -> [PeerStatus] { try engine(s).peers() }

    /// Writes the bundle atomically (streamed) and records it as sent only once written.
    static func export(_ s: any StoreSession, to peer: String, all: Bool, file: URL, store: URL, force: Bool,
                       env: CLIEnvironment) throws -> [String] {
        try export(s, to: peer, all: all, file: file, store: store, force: force).map(env.text)
    }

    /// Writes the bundle through `OutputFile`; the summary lines (the CLI and the TUI).
    static func export(_ s: any StoreSession, to peer: String, all: Bool, file: URL, store: URL,
                       force: Bool) throws -> [Message] {
        let e = try engine(s)
        var refused: StoreError?
        let summary: ExportSummary
        do {
            // Streamed: the bundle goes to the file a chunk at a time, never held whole.
            summary = try e.streamExport(to: peer, mode: all ? .all : .sinceLast, stream: { contents in
                do { try OutputFile.write(to: file, storeDirectory: store, force: force, contents: contents) } catch {
                    // The file's own refusals (inside the store, exists, no space) reach the
                    // user as they are; the engine's own errors come back from the engine.
                    if let r = error as? StoreError { refused = r }
                    throw error
                }
            })
        } catch {
            if let refused { throw refused }
            throw error
        }
        var lines = [Message("sync.export.done", String(summary.sequence), summary.peer, String(summary.eventCount), String(summary.byteCount))]
        if summary.eventCount == 0 { lines.append(Message("sync.export.empty", summary.peer)) }
        return lines
    }

    static func untrust(_ s: any StoreSession, name: String, env: CLIEnvironment) throws -> String {
        env.text(try untrust(s, name: name))
    }

    static func untrust(_ s: any StoreSession, name: String) throws -> Message {
        try engine(s).untrust(name: name)
        return Message("sync.untrust.done", name)
    }

    /// Imports a bundle file (read chunk by chunk, refused early when it cannot be one for us).
    /// Imports with a progress bar on a terminal; returns the summary lines.
    static func importBundle(_ s: any StoreSession, file: URL, env: CLIEnvironment) throws -> [String] {
        var bar = ProgressBar(total: 1000, label: env.t("sync.import.progress"))
        let lines = try importBundle(s, file: file) { done, total in bar.update(total > 0 ? done * 1000 / total : 1000) }
        bar.finish()
        return lines.map(env.text)
    }

    /// Imports a bundle file through the sync engine (size-checked, streamed, signature- and
    /// content-checked there); `progress(done, total)` as the engine reports it. The summary
    /// lines: new events, new clients, conflicts, transfers to confirm, likely duplicates.
    static func importBundle(_ s: any StoreSession, file: URL, progress: @escaping (Int, Int) -> Void) throws -> [Message] {
        let r = try engine(s).importBundle(file: file.path, progress: progress)
        var lines = [Message("sync.import.done", String(r.sequence), r.peer, String(r.eventsNew), String(r.eventsKnown))]
        if r.clientsNew > 0 { lines.append(Message("sync.import.clients", String(r.clientsNew))) }
        if !r.newConflicts.isEmpty { lines.append(Message("sync.import.conflicts", String(r.newConflicts.count))) }
        if !r.transfersAwaiting.isEmpty { lines.append(Message("sync.import.transfers", String(r.transfersAwaiting.count))) }
        if !r.missingSequences.isEmpty {
            lines.append(Message("sync.import.missing", r.missingSequences.map(String.init).joined(separator: ", "), r.peer))
        }
        if r.mismatched > 0 { lines.append(Message("sync.import.mismatched", String(r.mismatched))) }
        if !r.nearDuplicates.isEmpty {
            let pairs = r.nearDuplicates.map { "\($0.uic.code) ~ \($0.similar.map(\.code).joined(separator: "/"))" }
            lines.append(Message("sync.import.near", pairs.joined(separator: ", ")))
        }
        if r.restoreDetected { lines.append(Message("sync.import.restored")) }
        return lines
    }
}
