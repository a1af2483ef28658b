/// What kind of failure an error is, decided where the error is made (the store, sync, the
/// policy) so that callers map it to an outcome without reading message keys: the CLI turns
/// it into an exit code (`ExitStatus(category)`), the TUI shows only the message.
public enum FailureCategory: Sendable, Equatable, CaseIterable {
    /// The input was refused (validation, a bad value, a state that does not allow it).
    case refused
    /// There is nothing at the given path (no store, no input file).
    case noInput
    /// Something already exists where a new one was to be made.
    case cannotCreate
    /// Reading or writing failed, the disk is full, or a file is damaged.
    case ioError
    /// Another process holds the store.
    case inUse
    /// Wrong credentials, or the role or account may not do this.
    case noPermission
}

/// An error with a message for the user (in their language) and its category. `Message`
/// itself conforms (a refusal from the core), as do the store's and sync's errors.
public protocol UserFacingError: Error {
    var message: Message { get }
    var category: FailureCategory { get }
}

extension Message: UserFacingError {
    public var message: Message { self }
    /// A role refusal (`Policy`, keys `policy.*`) is a permission problem; every other message
    /// the core throws is refused input.
    public var category: FailureCategory { key.hasPrefix("policy.") ? .noPermission : .refused }

    /// Turns anything thrown below the user interface into a message for the user.
    public static func from(_ error: any Error) -> Message {
        if let u = error as? any UserFacingError { return u.message }
        return Message("tui.error.unexpected", String(describing: error).prefix(120).description)
    }
}
