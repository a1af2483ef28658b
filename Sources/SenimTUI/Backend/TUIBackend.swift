import SenimCore

/// A user account as the Users screen lists it.
public struct UserAccount: Hashable, Sendable {
    public var name: String
    public var role: Role
    public init(name: String, role: Role) {
        self.name = name
        self.role = role
    }
}

/// What the TUI needs from an unlocked store. `SenimStore.Session` conforms (see
/// Session+TUIBackend.swift once the store lands); tests use `InMemoryBackend`.
///
/// Only the runtime (`EffectRunner`) calls these: `update` never does I/O. Errors thrown here
/// should be `Message`s or conform to `TUIUserFacingError` so the user sees them in their
/// language.
public protocol TUIBackend: AnyObject {
    var ledger: LedgerState { get }
    var user: String { get }
    var role: Role { get }
    /// The trust point this store belongs to.
    var point: String { get }
    /// Things the store wants the user to know after opening (repairs, warnings).
    var notices: [Message] { get }
    /// Author, role, device, site, time and a fresh event id for one record.
    func context(site: String, at: Timestamp) -> Validator.Context
    /// Appends events durably and folds them into `ledger`; throws without saving anything.
    func save(_ events: [Event]) throws
    /// Encrypts a confidential note (psychologists only).
    func sealNote(_ text: String) throws -> [UInt8]
    func openNote(_ sealed: [UInt8]) throws -> String
    func userAccounts() throws -> [UserAccount]
    func addUser(name: String, role: Role, passphrase: String) throws
    func removeUser(_ name: String) throws
    func changePassphrase(to passphrase: String) throws
    /// Releases the store (called when the screen locks or the app quits).
    func close()
}

extension TUIBackend {
    public func close() {}
}

/// Errors that carry a message for the user (the store's `StoreError` conforms).
public protocol TUIUserFacingError: Error {
    var message: Message { get }
}

extension Message {
    /// Turns anything thrown by a backend into a message for the status line.
    public static func from(_ error: any Error) -> Message {
        if let m = error as? Message { return m }
        if let u = error as? any TUIUserFacingError { return u.message }
        return Message("tui.error.unexpected", String(describing: error).prefix(120).description)
    }
}
