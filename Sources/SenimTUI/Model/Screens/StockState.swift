import SenimCore

public enum StockTab: String, CaseIterable, Sendable, Hashable { case levels, movements, transit }

public struct StockState: Hashable, Sendable {
    public var tab: StockTab = .levels
    /// The site shown (coordinators can look at other points); nil = the user's point.
    public var site: String?
    public var selection = 0
    /// The item whose lots are open (Enter on a level), and the lot picked there.
    public var lotsItem: String?
    public var lotSelection = 0
}
