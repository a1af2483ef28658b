import SenimCore

public struct UsersState: Hashable, Sendable {
    public var accounts: [UserAccount] = []
    public var selection = 0
}
