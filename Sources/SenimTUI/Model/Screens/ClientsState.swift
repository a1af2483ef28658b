import SenimCore

public struct ClientsState: Hashable, Sendable {
    public var search = TextField(maxLength: 24)
    public var searching = false
    public var selection = 0
    /// The open client card, if any, and its scroll offset.
    public var card: UIC?
    public var cardScroll = 0
    /// The contact picked on the card (0: the newest) for editing or voiding.
    public var cardSelection = 0
}
