import SenimCore

public struct SettingsState: Hashable, Sendable {
    public var selection = 0
}

// MARK: Dialogs
