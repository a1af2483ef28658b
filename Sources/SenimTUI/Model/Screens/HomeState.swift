import SenimCore

/// The home screen's panels: none focused (the menu keys work), or one with a selected row.
public enum HomePanel: Int, CaseIterable, Sendable, Hashable { case contacts, referrals, alerts }

public struct HomeState: Hashable, Sendable {
    public var focus: HomePanel?
    public var selection = 0
}
