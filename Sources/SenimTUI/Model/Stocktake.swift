import SenimCore

/// A stocktake as one sheet: the counted number typed beside each catalogue item, saved once.
/// Items left blank are not counted.
public struct Stocktake: Hashable, Sendable {
    public var counted: [TextField]
    /// The item under the cursor, or -1: the "When" field above the items (late entry).
    public var cursor = 0
    /// When the count was made; `atOpened` is what it showed at first (left as it was: now).
    public var at = TextField(maxLength: 16)
    public var atOpened = ""
    public var error: Message?
    /// Set by a first Esc with numbers typed; a second Esc discards them.
    public var confirmDiscard = false
    public init(items: Int) { counted = Array(repeating: TextField(maxLength: 7), count: items) }
    public var isDirty: Bool { counted.contains { !$0.isEmpty } }
}
