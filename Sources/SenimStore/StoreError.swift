import Foundation
import SenimCore

/// Everything that can go wrong with a store. Each case has an English `description` (logs,
/// tests) and a `message` (a key in `Config/locales/*/store.json`) for the user's language.
public enum StoreError: UserFacingError, Equatable, Sendable, CustomStringConvertible {
    /// No store at this path.
    case noStore(path: String)
    /// `create` or `restore` found a store already there.
    case alreadyExists(path: String)
    /// The name and passphrase open no keyslot. Deliberately the same text as `unknownUser`.
    case wrongPassphrase
    /// Never told apart from a wrong passphrase in what the user sees.
    case unknownUser(String)
    /// Another process holds the store lock.
    case inUse(pid: Int32?)
    /// A file failed a checksum or authentication check, or has an impossible layout.
    case damaged(file: String, detail: String)
    /// A read, write or sync failed. After a failed sync nothing since the last "saved" is.
    case ioError(path: String, errno: Int32, detail: String)
    /// The disk is full; nothing already saved was touched.
    case noSpace(path: String)
    /// The user's role may not do this, or the session cannot (closed, broken).
    case notAllowed(Message)
    /// Bad input (name, passphrase, event, value).
    case invalid(Message)
    /// A store holds at most `Session.maxUsers` users.
    case tooManySlots
    /// A file written by a newer Senim.
    case unsupportedVersion(Int)

    public var description: String {
        switch self {
        case .noStore(let p): "No Senim store at \(p)."
        case .alreadyExists(let p): "A Senim store already exists at \(p)."
        case .wrongPassphrase, .unknownUser: "Wrong user name or passphrase."
        case .inUse(let pid):
            if let pid { "The store is in use (pid \(pid)). Close the other Senim first." } else {
                "The store is in use by another process. Close the other Senim first."
            }
        case .damaged(let f, let d): "The store file \(f) is damaged: \(d)"
        case .ioError(let p, let e, let d): "Input/output error on \(p) (errno \(e)): \(d)"
        case .noSpace(let p): "The disk is full (\(p)). Nothing was saved; the data already saved is intact. Free some space and try again."
        case .notAllowed(let m): "Not allowed: \(m)"
        case .invalid(let m): "Invalid: \(m)"
        case .tooManySlots: "The store already has the maximum of \(Session.maxUsers) users."
        case .unsupportedVersion(let v): "This store was written by a newer Senim (format version \(v)). Update Senim."
        }
    }

    /// The localised form (keys in store.json, or the wrapped message).
    public var message: Message {
        switch self {
        case .noStore(let p): Message("store.error.noStore", p)
        case .alreadyExists(let p): Message("store.error.alreadyExists", p)
        case .wrongPassphrase, .unknownUser: Message("store.error.credentials")
        case .inUse(let pid):
            if let pid { Message("store.error.inUse", String(pid)) } else { Message("store.error.inUseUnknown") }
        case .damaged(let f, let d): Message("store.error.damaged", f, d)
        case .ioError(let p, let e, let d): Message("store.error.io", p, String(e), d)
        case .noSpace(let p): Message("store.error.noSpace", p)
        case .notAllowed(let m): m
        case .invalid(let m): m
        case .tooManySlots: Message("store.error.tooManySlots", String(Session.maxUsers))
        case .unsupportedVersion(let v): Message("store.error.version", String(v))
        }
    }
}

extension StoreError {
    /// What kind of failure this is (the CLI's exit code). A refusal by the role policy, of a
    /// notes-key operation or of a passphrase is a permission problem; the other `notAllowed`
    /// refusals (a closed or read-only session, removing yourself, the last notes holder) are
    /// refused input.
    public var category: FailureCategory {
        switch self {
        case .noStore: .noInput
        case .alreadyExists: .cannotCreate
        case .wrongPassphrase, .unknownUser: .noPermission
        case .inUse: .inUse
        case .damaged, .ioError, .noSpace, .unsupportedVersion: .ioError
        case .notAllowed(let m):
            m.key == "store.notes.lastHolder" ? .refused
                : m.key.hasPrefix("policy.") || m.key.hasPrefix("store.notes") || m.key.hasPrefix("store.passphrase") ? .noPermission : .refused
        case .invalid, .tooManySlots: .refused
        }
    }
}

/// scrypt cost parameters, stored in every keyslot. Reading refuses anything outside the
/// accepted range before any key derivation runs (a header cannot make us burn a minute or
/// a gigabyte). Memory use is 128·r·2^logN bytes.
public struct KDFParameters: Sendable, Hashable, CustomStringConvertible {
    public var logN: UInt8
    public var r: UInt32
    public var p: UInt32

    public init(logN: UInt8, r: UInt32, p: UInt32) {
        self.logN = logN
        self.r = r
        self.p = p
    }

    /// N = 2^17, r = 8, p = 1: 128 MiB, the default for real stores.
    public static let `default` = KDFParameters(logN: 17, r: 8, p: 1)
    /// N = 2^14, r = 8, p = 1: the cheapest the store accepts (tests, very old machines).
    public static let testing = KDFParameters(logN: 14, r: 8, p: 1)

    public static let logNRange: ClosedRange<UInt8> = 14...20
    public static let rRange: ClosedRange<UInt32> = 1...32
    public static let pRange: ClosedRange<UInt32> = 1...4
    /// At most 1 GiB of memory.
    public static let maxMemory: UInt64 = 1 << 30

    public var memory: UInt64 { 128 * UInt64(r) << UInt64(min(logN, 40)) }

    /// Why these parameters are refused, or nil when they are acceptable.
    public var problem: String? {
        if !Self.logNRange.contains(logN) { return "logN \(logN) outside \(Self.logNRange.lowerBound)…\(Self.logNRange.upperBound)" }
        if !Self.rRange.contains(r) { return "r \(r) outside \(Self.rRange.lowerBound)…\(Self.rRange.upperBound)" }
        if !Self.pRange.contains(p) { return "p \(p) outside \(Self.pRange.lowerBound)…\(Self.pRange.upperBound)" }
        if memory > Self.maxMemory { return "needs \(memory >> 20) MiB of memory (at most \(Self.maxMemory >> 20) MiB)" }
        return nil
    }

    public var description: String { "scrypt N=2^\(logN) r=\(r) p=\(p)" }
}
