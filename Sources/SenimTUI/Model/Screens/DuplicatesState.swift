import SenimCore

public struct DuplicatesState: Hashable, Sendable {
    public var selection = 0
    /// Swaps which code survives the merge from the suggested one.
    public var flipped = false
}
