import Crypto
import Foundation
import SenimCore

/// The sync identity sealed to coordinators (`SyncSeal`, in the manifest). Every user sees the
/// public key (the identity line); only a coordinator's session opens the private keys, so only
/// a coordinator can sign a bundle or open one addressed to this store. Stores made before kept
/// the identity in the local value `sync.identity`, readable with the shared data key: the first
/// coordinator who opens such a store for writing seals it, removes the local value and compacts
/// (so the journal no longer holds it).
extension Session {
    /// Where stores made before the sealing kept the identity (a store-local value).
    static let legacySyncIdentityKey = "sync.identity"

    func parsedSyncSeal() throws(SyncError) -> SyncSeal? {
        guard !manifest.syncIdentity.isEmpty else { return nil }
        do { return try SyncSeal.parse(manifest.syncIdentity) } catch { throw .corruptMetadata(key: "sync.identity") }
    }

    /// The identity's public key, readable by every user (nil: this store has none yet).
    public func syncPublicKey() -> PeerKey? {
        if !manifest.syncIdentity.isEmpty { return (try? parsedSyncSeal())??.publicKey }
        return local[Self.legacySyncIdentityKey].flatMap { try? SyncIdentity(serialized: $0).publicKey }
    }

    /// The identity with its private keys (nil: none yet). Coordinators only: anyone else gets
    /// `SyncError.coordinatorsOnly`; a coordinator the identity is not sealed to, `.noSyncGrant`.
    public func syncIdentity() throws -> SyncIdentity? {
        guard role == .coordinator else { throw SyncError.coordinatorsOnly }
        if let seal = try parsedSyncSeal() {
            guard let opened = seal.open(privateKey: privateKey, storeID: storeID) else { throw SyncError.noSyncGrant }
            return opened.identity
        }
        // A store from before the sealing, opened read-only (a writer has migrated it at open).
        if let b = local[Self.legacySyncIdentityKey] { return try SyncIdentity(serialized: b) }
        return nil
    }

    /// Seals a new identity to this store's coordinators (the first one; never replaces one).
    public func saveSyncIdentity(_ identity: SyncIdentity) throws {
        guard role == .coordinator else { throw SyncError.coordinatorsOnly }
        try requireWritable()
        guard manifest.syncIdentity.isEmpty, local[Self.legacySyncIdentityKey] == nil else {
            throw SyncError.store("this store already has a sync identity")
        }
        try sealSyncIdentity(identity, holders: initialSyncHolders())
    }

    /// Replaces the identity with a fresh one, sealed to the same holders (those still in the
    /// directory as coordinators with the same key). Only a holder can: `noSyncGrant` otherwise.
    public func replaceSyncIdentity(_ identity: SyncIdentity) throws {
        guard role == .coordinator else { throw SyncError.coordinatorsOnly }
        try requireWritable()
        guard let seal = try parsedSyncSeal() else { return try saveSyncIdentity(identity) }
        guard let opened = seal.open(privateKey: privateKey, storeID: storeID) else { throw SyncError.noSyncGrant }
        let holders = opened.holders.filter { h in
            manifest.directory.contains { $0.role == .coordinator && Names.key($0.name) == Names.key(h.name) && $0.publicKey == h.publicKey }
        }
        try sealSyncIdentity(identity, holders: holders)
    }

    /// Who the identity is sealed to when it is made or migrated: every coordinator the
    /// directory lists now (trust on first use, like the notes keyring of older stores); this
    /// user with the key from their own keyslot. Later changes go only through a holder.
    func initialSyncHolders() -> [SyncSeal.Holder] {
        manifest.directory.filter { $0.role == .coordinator && $0.slot != slotIndex }
            .map { SyncSeal.Holder(name: $0.name, publicKey: $0.publicKey) }
            + [SyncSeal.Holder(name: user, publicKey: Array(privateKey.publicKey.rawRepresentation))]
    }

    func sealSyncIdentity(_ identity: SyncIdentity, holders: [SyncSeal.Holder]) throws {
        var m = manifest
        m.syncIdentity = SyncSeal.make(identity, holders: holders, storeID: storeID)
        var kf = keysFile
        kf.seal(m, key: keys.manifest)
        try commit(kf, files: [])
        manifest = m
    }

    /// Called on a manifest about to be committed by a user change: the identity re-sealed
    /// (under a fresh sync key) to the holders still in the directory as coordinators with the
    /// same key, plus `adding` (a coordinator this process just made or reset, with the key it
    /// just made). Only a holder can re-seal; otherwise a new coordinator is told they cannot
    /// sign yet.
    func resealSyncIdentity(_ m: inout Manifest, adding: SyncSeal.Holder?) {
        guard !m.syncIdentity.isEmpty else { return }
        guard role == .coordinator, let seal = try? SyncSeal.parse(m.syncIdentity),
              let opened = seal.open(privateKey: privateKey, storeID: storeID) else {
            if let adding { notices.append(Message("store.notice.syncNotSealed", adding.name)) }
            return
        }
        var holders = opened.holders.filter { h in
            m.directory.contains { $0.role == .coordinator && Names.key($0.name) == Names.key(h.name) && $0.publicKey == h.publicKey }
        }
        if let adding {
            holders.removeAll { Names.key($0.name) == Names.key(adding.name) }
            holders.append(adding)
        }
        m.syncIdentity = SyncSeal.make(opened.identity, holders: holders, storeID: storeID)
    }

    /// Names the identity is sealed to (coordinators who hold it; nil: this session cannot tell).
    public func syncIdentityHolders() -> [String]? {
        guard role == .coordinator, let seal = try? parsedSyncSeal(),
              let opened = seal.open(privateKey: privateKey, storeID: storeID) else { return nil }
        return opened.holders.map(\.name).sorted()
    }

    /// At open by a coordinator, writable: a store from before the sealing gets its identity
    /// sealed, the readable local value removed, and the journal compacted so that no frame
    /// holds it any more. A failure is told and tried again at the next open.
    func migrateSyncIdentity() {
        guard role == .coordinator, !readOnly, broken == nil, let legacy = local[Self.legacySyncIdentityKey] else { return }
        do {
            if manifest.syncIdentity.isEmpty {
                try sealSyncIdentity(try SyncIdentity(serialized: legacy), holders: initialSyncHolders())
            }
            try append([.deleteLocal(Self.legacySyncIdentityKey)])
            local[Self.legacySyncIdentityKey] = nil
            try compactNow()
            notices.append(Message("store.notice.syncSealed", syncIdentityHolders()?.joined(separator: ", ") ?? user))
        } catch {
            notices.append(Message("store.notice.syncSealFailed", "\(error)"))
        }
    }
}
