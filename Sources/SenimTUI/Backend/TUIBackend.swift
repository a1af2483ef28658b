import SenimCore

/// What the TUI needs from an unlocked store: the shared `StoreAccess` (SenimCore), plus what
/// only the TUI asks for: the coordinator's store and sync operations (`StoreOperations`). The
/// executable makes `SenimStore.Session` conform; tests use `InMemoryBackend` (SenimTestSupport).
///
/// Only the runtime (`EffectRunner`) calls these: `update` never does I/O.
public protocol TUIBackend: StoreAccess, StoreOperations {
}
