import Foundation
import SenimCore

public enum ExportMode: String, Sendable, CaseIterable {
    /// Only what the peer is not known to hold and was not sent before (`--since-last`).
    case sinceLast
    /// Every event in the store (`--all`).
    case all
}

/// What an import did.
public struct ImportSummary: Sendable, Equatable {
    /// The sender's name in the trust list.
    public var peer: String
    public var sequence: UInt64
    /// When the sender made the bundle (its clock).
    public var createdAt: Timestamp
    public var site: String
    public var eventsInBundle: Int
    public var eventsNew: Int
    public var eventsKnown: Int
    /// Client codes this store had not seen before.
    public var clientsNew: Int
    /// Referrals that this import put in conflict (two sites changed them concurrently).
    public var newConflicts: [EventID]
    /// Transfers addressed to this store's trust point that are not confirmed here yet.
    public var transfersAwaiting: [EventID]
    /// Bundles from this peer numbered below the highest imported that have not arrived.
    public var missingSequences: [UInt64]
    /// Events whose id this store already had with different content (kept as they were here).
    public var mismatched: Int
    /// New client codes one edit away from another code: probably the same person.
    public var nearDuplicates: [NearDuplicate]
    /// The peer acknowledged more bundles than this store remembers making: this store was
    /// restored from a backup or copied; its numbering was moved past the peer's.
    public var restoreDetected: Bool
}

public struct NearDuplicate: Sendable, Hashable {
    public var uic: UIC
    public var similar: [UIC]
    public init(uic: UIC, similar: [UIC]) {
        self.uic = uic
        self.similar = similar
    }
}

public struct ExportSummary: Sendable, Equatable {
    public var peer: String
    public var sequence: UInt64
    public var eventCount: Int
    public var byteCount: Int
}

/// A trusted peer as `senim sync peers` shows it.
public struct PeerStatus: Sendable, Equatable {
    public var name: String
    public var key: String
    public var fingerprint: String
    /// Bundles made for this peer.
    public var bundlesSent: UInt64
    /// The highest of those the peer has confirmed importing.
    public var acknowledged: UInt64
    public var bundlesImported: Int
    public var lastImportedSequence: UInt64
    /// The peer's bundles below the last imported one that never arrived.
    public var missing: [UInt64]
    public var lastExportAt: Timestamp?
    public var lastImportAt: Timestamp?
}

/// Sync between stores by bundle files: identity, trust list, export, import (docs/sync.md).
///
/// The engine keeps its state (identity private keys, trust list, per-peer acknowledgement)
/// in the store's encrypted local values, which never sync.
public final class SyncEngine {
    public let store: any SyncStore
    let clock: () -> Timestamp

    /// The largest per-peer metadata value written. The encrypted store takes local values up to
    /// 1 MiB; past this size the engine forgets the peer's holdings, then its record of what was
    /// sent: both only save re-sending, so forgetting them costs larger bundles, never data.
    public var maxPeerStateSize = 900_000

    public init(store: any SyncStore, clock: @escaping () -> Timestamp = { Timestamp(Date().timeIntervalSince1970) }) {
        self.store = store
        self.clock = clock
    }

    static let identityKey = "sync.identity"

    // MARK: Identity and trust

    /// This store's identity with its private keys, made (and sealed to the coordinators) on
    /// first use. Coordinators only (`SyncError.coordinatorsOnly`): the identity signs bundles.
    func identity() throws(SyncError) -> SyncIdentity {
        if let id = try existingIdentity() { return id }
        let id = SyncIdentity()
        do { try store.saveSyncIdentity(id) } catch let e as SyncError { throw e } catch { throw .store(String(describing: error)) }
        return id
    }

    /// The public key: anyone may show it; only a coordinator makes it when there is none.
    func publicKey() throws(SyncError) -> PeerKey {
        if let k = store.syncPublicKey() { return k }
        return try identity().publicKey
    }

    /// The line to give to peers: `senim1:…`.
    public func identityLine() throws(SyncError) -> String {
        try require(.syncExport)
        return try publicKey().publicLine
    }

    /// This store's key fingerprint (to compare by voice).
    public func identityFingerprint() throws(SyncError) -> String {
        try require(.syncExport)
        return try publicKey().fingerprint
    }

    /// Replaces this store's identity with a fresh one (coordinators holding the current one)
    /// and returns the new line: after a coordinator who held it left, or a copy of the store
    /// from before the sealing may have been taken. Every peer must then `untrust` this store
    /// and `trust` the new line; bundles made for the old key no longer open here.
    public func renewIdentity() throws(SyncError) -> String {
        try require(.sync)
        _ = try identity()
        let id = SyncIdentity()
        do { try store.replaceSyncIdentity(id) } catch let e as SyncError { throw e } catch { throw .store(String(describing: error)) }
        return id.publicLine
    }

    /// Records a peer's public key line under `name`.
    public func trust(name: String, key: String) throws(SyncError) {
        try require(.sync)
        guard Validator.isValidUserName(name) else { throw .badPeerName(name) }
        let k = try PeerKey.parse(key)
        if k == (try publicKey()) { throw .ownKey }
        var peers = try trustList()
        if let same = peers.first(where: { $0.key == k }) {
            if same.name == name { return }
            throw .keyAlreadyTrusted(name: same.name)
        }
        if peers.contains(where: { $0.name == name }) { throw .peerExists(name: name) }
        peers.append(TrustedPeer(name: name, key: k))
        try write(TrustList.key, TrustList.encode(peers))
    }

    /// Removes a peer and what this store remembered about it.
    public func untrust(name: String) throws(SyncError) {
        try require(.sync)
        var peers = try trustList()
        guard peers.contains(where: { $0.name == name }) else { throw .unknownPeer(name: name, known: peers.map(\.name)) }
        peers.removeAll { $0.name == name }
        try write(TrustList.key, TrustList.encode(peers))
        try write(PeerState.key(name), nil)
    }

    /// Trusted peers with their key lines, by name.
    public func trusted() -> [(name: String, key: String)] {
        ((try? trustList()) ?? []).map { ($0.name, $0.key.publicLine) }
    }

    /// Trusted peers with what this store knows of the exchange with each.
    public func peers() throws(SyncError) -> [PeerStatus] {
        try trustList().map { p throws(SyncError) -> PeerStatus in
            let s = try peerState(p.name)
            return PeerStatus(name: p.name, key: p.key.publicLine, fingerprint: p.key.fingerprint,
                              bundlesSent: s.nextSequence - 1, acknowledged: s.acknowledgedByPeer,
                              bundlesImported: s.importedSequences.count, lastImportedSequence: s.highestImported,
                              missing: s.missing(before: s.highestImported), lastExportAt: s.lastExportAt,
                              lastImportAt: s.lastImportAt)
        }
    }

    func trustList() throws(SyncError) -> [TrustedPeer] {
        guard let b = store.localValue(TrustList.key) else { return [] }
        return try TrustList.decode(b)
    }

    func peerState(_ name: String) throws(SyncError) -> PeerState {
        guard let b = store.localValue(PeerState.key(name)) else { return PeerState() }
        return try PeerState.decode(b, key: PeerState.key(name))
    }

    // MARK: Export

    /// Makes a bundle for `peer` and records it as sent. Prefer `export(to:mode:write:)` when
    /// writing a file: it records the bundle only once the write succeeded.
    public func export(to peer: String, mode: ExportMode) throws(SyncError) -> (bytes: [UInt8], eventCount: Int) {
        var out: [UInt8] = []
        let s = try export(to: peer, mode: mode, write: { out = $0 })
        return (out, s.eventCount)
    }

    /// Makes a bundle for `peer`, hands it to `write` (which saves it durably, e.g. to a file)
    /// and then records it as sent. If `write` throws, nothing is recorded. Holds the whole
    /// bundle in memory: prefer `streamExport(to:mode:stream:)` for files.
    public func export(to peer: String, mode: ExportMode, write: ([UInt8]) throws -> Void) throws(SyncError) -> ExportSummary {
        var bytes: [UInt8] = []
        return try streamExport(to: peer, mode: mode) { contents in
            try contents { bytes += $0 }
            try write(bytes)
        }
    }

    /// The producer of a bundle's bytes: it hands them, in order and a chunk at a time, to the
    /// sink it is given.
    public typealias BundleProducer = (_ sink: ([UInt8]) throws -> Void) throws -> Void

    /// Makes a bundle for `peer` without holding the store's events or the bundle: `stream`
    /// receives the producer, calls it once with a sink that writes durably (e.g.
    /// `OutputFile.write(to:…contents:)`: a temporary file, renamed when complete), and returns
    /// when the bytes are saved; only then is the bundle recorded as sent. If `stream` throws,
    /// or never calls the producer, nothing is recorded. The store's events are walked three
    /// times (`SyncStore.forEachEvent`): what it holds (the holdings, and so what to send), the
    /// body's hash (the signature comes before the body), then the sealed bytes; memory is the
    /// holdings and two 64 KiB chunks (docs/decisions.md, "Sync export streams in three passes").
    public func streamExport(to peer: String, mode: ExportMode,
                             stream: (_ contents: BundleProducer) throws -> Void) throws(SyncError) -> ExportSummary {
        try require(.syncExport)
        let me = try identity()
        let peers = try trustList()
        guard let target = peers.first(where: { $0.name == peer }) else {
            throw .unknownPeer(name: peer, known: peers.map(\.name).sorted())
        }
        var state = try peerState(peer)
        var holdings = Holdings()
        // Ids and buckets only: no event is decoded whole for this pass.
        do { try store.forEachEvent(matching: { holdings.add($0, in: $1); return false }) { _ in } } catch let e as SyncError { throw e } catch {
            throw .store(String(describing: error))
        }
        let send = Self.buckets(toSend: holdings, state: state, mode: mode)
        let eventCount = send.reduce(0) { $0 + Int(holdings.buckets[$1]!.count) }
        let now = clock()
        let sequence = state.nextSequence
        let head = BundleContents(bundleID: SyncBundle.randomBytes(16), sequence: sequence,
                                  acknowledged: state.highestImported, createdAt: now, site: store.point,
                                  holdings: holdings, events: [])
        var byteCount = 0
        var produced = false
        var produceError: SyncError?
        let produce: BundleProducer = { [store] sink in
            produced = true
            var sinkError: (any Error)?
            do {
                // In the store's order: the recipient's fold sorts anyway, and moving events costs.
                byteCount = try SyncBundle.sealStreamed(
                    head: head, eventCount: eventCount,
                    events: { emit in try store.forEachEvent(matching: { send.contains($1) }, emit) },
                    sender: me, recipient: target.key,
                    sink: { b in do { try sink(b) } catch { sinkError = error; throw error } })
            } catch {
                if let sinkError { throw sinkError }
                let e = error as? SyncError ?? .store(String(describing: error))
                produceError = e
                throw e
            }
        }
        do { try stream(produce) } catch {
            if let produceError { throw produceError }
            throw .writeFailed(String(describing: error))
        }
        guard produced else { throw .writeFailed("the bundle was not written") }
        state.nextSequence += 1
        for b in send { state.sent[b] = PeerState.Sent(sequence: sequence, digest: holdings.buckets[b]!) }
        state.lastExportAt = now
        try savePeerState(peer, state)
        return ExportSummary(peer: peer, sequence: sequence, eventCount: eventCount, byteCount: byteCount)
    }

    /// What a bundle carries: every bucket of the store's holdings (`.all`), or those whose
    /// digest the peer is neither known to hold nor was sent in a bundle not yet acknowledged
    /// (`.sinceLast`). The one selection rule of export.
    static func buckets(toSend holdings: Holdings, state: PeerState, mode: ExportMode) -> Set<Holdings.Bucket> {
        var send = Set<Holdings.Bucket>()
        for (b, d) in holdings.buckets {
            switch mode {
            case .all:
                send.insert(b)
            case .sinceLast:
                if state.sent[b]?.digest == d { continue }
                if state.peerHoldings?.buckets[b] == d { continue }
                send.insert(b)
            }
        }
        return send
    }

    // MARK: Import

    /// Checks, decrypts and merges a bundle. Refused whole (nothing changes) if it is damaged,
    /// not for this store, not signed by a trusted peer, or was imported before.
    /// `progress(done, total)` counts abstract work units; done == total when finished.
    /// This store's identity if it has one (importing never makes one: a refused import
    /// writes nothing).
    func existingIdentity() throws(SyncError) -> SyncIdentity? {
        do { return try store.syncIdentity() } catch let e as SyncError { throw e } catch { throw .store(String(describing: error)) }
    }

    public func importBundle(_ bytes: [UInt8], progress: ((Int, Int) -> Void)? = nil) throws(SyncError) -> ImportSummary {
        try require(.sync)
        // No identity yet: no bundle can be addressed to this store.
        guard let me = try existingIdentity() else { throw .notForThisStore }
        var trusted: [String: PeerKey] = [:]
        for p in try trustList() { trusted[p.name] = p.key }
        let total = bytes.count * 2
        let opened = try SyncBundle.open(bytes, recipient: me, trusted: trusted,
                                         progress: progress.map { p in { done, _ in p(done, total) } })
        return try merge(opened, size: bytes.count, progress: progress)
    }

    /// Imports a bundle file, read chunk by chunk (`SyncBundle.open(file:)`): a file that is
    /// not a bundle for this store, or is too large, is refused before it is read whole.
    public func importBundle(file path: String, maxSize: Int = SyncBundle.maxFileSize,
                             progress: ((Int, Int) -> Void)? = nil) throws(SyncError) -> ImportSummary {
        try require(.sync)
        guard let me = try existingIdentity() else {
            if !FileManager.default.isReadableFile(atPath: path) { throw .unreadable(path: path) }
            throw .notForThisStore
        }
        var trusted: [String: PeerKey] = [:]
        for p in try trustList() { trusted[p.name] = p.key }
        var size = 0
        let opened = try SyncBundle.open(file: path, recipient: me, trusted: trusted, maxSize: maxSize,
                                         progress: progress.map { p in { done, total in size = total; p(done, total * 2) } })
        return try merge(opened, size: size, progress: progress)
    }

    func merge(_ opened: OpenedBundle, size: Int, progress: ((Int, Int) -> Void)?) throws(SyncError) -> ImportSummary {
        let total = max(size, 1) * 2
        let c = opened.contents
        var state = try peerState(opened.sender)
        if state.importedBundles.contains(c.bundleID) {
            throw .alreadyImported(peer: opened.sender, sequence: c.sequence)
        }
        progress?(total / 2 + total / 8, total)

        // The privacy guard again, on what arrives: a device that skipped it (an old version, a
        // tampered build) must not be able to plant an IIN, phone or e-mail in this store.
        for e in c.events {
            for text in e.freeTexts {
                if let finding = PrivacyGuard.check(text) {
                    throw .identifyingText(event: e.id.short, finding: finding.summary)
                }
            }
        }

        // Every event as if typed here (docs/sync.md, "Validation"); one bad event refuses all.
        let checker = IncomingEvents(configuration: store.configuration, now: clock(), known: { [store] in store.hasEvent($0) },
                                     localEvents: { [store] in try store.userEvents() }, mergeEvents: { [store] in try store.events() },
                                     target: { [store] in store.ledger.amendTarget($0) })
        try checker.check(c.events)

        let before = store.ledger
        let conflictsBefore = Set(before.referrals.values.lazy.filter(\.conflict).map(\.id))
        let counts: (new: Int, known: Int)
        do { counts = try store.importEvents(c.events) } catch { throw .store(String(describing: error)) }
        let after = store.ledger
        // Ids that were already here: the store kept its own version. Count those whose content
        // differs (never in normal use), so that a coordinator can look into it. Only then are
        // the store's events read.
        var mismatched = 0
        if counts.known > 0 {
            var incoming: [EventID: Int] = [:]
            incoming.reserveCapacity(c.events.count)
            for (i, e) in c.events.enumerated() { incoming[e.id] = i }
            for e in try loadEvents() {
                if let i = incoming[e.id], c.events[i] != e { mismatched += 1 }
            }
        }

        // Bookkeeping for the next export and for replay and gap detection.
        state.importedBundles.insert(c.bundleID)
        if !state.importedSequences.contains(c.sequence) {
            state.importedSequences.append(c.sequence)
            state.importedSequences.sort()
        }
        let missing = state.missing(before: state.highestImported)
        if c.sequence > state.peerHoldingsSequence || state.peerHoldings == nil {
            state.peerHoldings = c.holdings
            state.peerHoldingsSequence = c.sequence
        }
        var restored = false
        if c.acknowledged >= state.nextSequence {
            // The peer has seen bundles this store does not remember making.
            restored = true
            state.nextSequence = c.acknowledged + 1
            state.sent = [:]
        }
        state.acknowledgedByPeer = max(state.acknowledgedByPeer, c.acknowledged)
        // What the peer's holdings already reflect needs no belief of ours any more.
        state.sent = state.sent.filter { $0.value.sequence > state.acknowledgedByPeer }
        state.lastImportAt = clock()
        try savePeerState(opened.sender, state)

        let newClients = after.clients.lazy.filter { before.clientIndex[$0.uic] == nil }.map(\.uic)
        let near = NearDuplicates.find(in: after, formula: store.configuration.uic, only: Set(newClients))
        let here = after.sites.lookup(store.point)
        let awaiting = after.transfersInTransit.filter { $0.to == here }.map(\.id)
        let conflicts = after.referralList.filter { $0.conflict && !conflictsBefore.contains($0.id) }.map(\.id)
        progress?(total, total)
        return ImportSummary(peer: opened.sender, sequence: c.sequence, createdAt: c.createdAt, site: c.site,
                             eventsInBundle: c.events.count, eventsNew: counts.new, eventsKnown: counts.known,
                             clientsNew: after.clientIndex.count - before.clientIndex.count, newConflicts: conflicts,
                             transfersAwaiting: awaiting, missingSequences: missing, mismatched: mismatched,
                             nearDuplicates: near, restoreDetected: restored)
    }

    // MARK: Clients across sites

    /// Client codes one edit away from another code with the same sex and birth year: likely
    /// the same person typed differently at two sites. Each pair is listed once, under the
    /// smaller code. Merged codes are left out. A coordinator merges them with a
    /// `clientsMerged` event, which syncs like any other.
    public func nearDuplicateClients() -> [(UIC, [UIC])] {
        NearDuplicates.find(in: store.ledger, formula: store.configuration.uic, only: nil).map { ($0.uic, $0.similar) }
    }

    // MARK: Helpers

    func require(_ action: Action) throws(SyncError) {
        guard Policy.allows(store.role, action) else { throw .denied(role: store.role, action: action) }
    }

    func loadEvents() throws(SyncError) -> [Event] {
        do { return try store.events() } catch { throw .store(String(describing: error)) }
    }

    func savePeerState(_ name: String, _ state: PeerState) throws(SyncError) {
        var s = state
        var bytes = s.encode()
        if bytes.count > maxPeerStateSize {
            s.peerHoldings = nil
            bytes = s.encode()
        }
        if bytes.count > maxPeerStateSize {
            s.sent = [:]
            bytes = s.encode()
        }
        try write(PeerState.key(name), bytes)
    }

    func write(_ key: String, _ value: [UInt8]?) throws(SyncError) {
        do { try store.setLocalValue(key, value) } catch { throw .store(String(describing: error)) }
    }
}
