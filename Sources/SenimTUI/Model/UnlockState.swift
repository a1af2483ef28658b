import SenimCore

public struct UnlockState: Hashable, Sendable {
    public var user: TextField
    public var passphrase = TextField(maxLength: 256, masked: true)
    /// 0: user name, 1: passphrase.
    public var focus: Int
    public var failures = 0
    /// No attempt is accepted before this time (grows after repeated wrong passphrases).
    public var retryAt: Timestamp?
    public var busy = false
    public var error: Message?

    public init(user: String?) {
        self.user = TextField(user ?? "", maxLength: 32)
        focus = (user ?? "").isEmpty ? 0 : 1
    }

    /// Free tries before delays start, and the delay after the n-th failure beyond them:
    /// 5 s, 10 s, 20 s, … up to 5 minutes.
    public static let freeTries = 3
    public static func delay(afterFailures n: Int) -> Int {
        guard n >= freeTries else { return 0 }
        return min(300, 5 << min(6, n - freeTries))
    }
}
