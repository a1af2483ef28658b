import Foundation
import SenimCore

/// Why a command stopped: a message for the user (in their language) and an exit status.
struct CLIFailure: Error, CustomStringConvertible {
    var message: Message
    var status: ExitStatus
    /// Extra lines shown under the message (already rendered, e.g. a list of candidates).
    var details: [String] = []

    init(_ message: Message, _ status: ExitStatus, details: [String] = []) {
        self.message = message
        self.status = status
        self.details = details
    }

    /// Input refused (65).
    static func refused(_ key: String, _ args: String...) -> CLIFailure {
        CLIFailure(Message(key: key, args: args), .refused)
    }

    static func usage(_ key: String, _ args: String...) -> CLIFailure {
        CLIFailure(Message(key: key, args: args), .usage)
    }

    var description: String { "\(status.rawValue): \(message)" }
}

enum Failures {
    /// Maps any error a command can meet to a failure with an exit status.
    static func classify(_ error: Error) -> CLIFailure {
        switch error {
        case let f as CLIFailure:
            return f
        case let u as any UserFacingError:
            // Messages from the core, store and sync errors: the category was decided where
            // the error was made.
            return CLIFailure(u.message, ExitStatus(u.category))
        case let c as ConfigError:
            return CLIFailure(Message("cli.config.invalid", c.description), .config)
        default:
            if let posix = error as? POSIXError {
                return CLIFailure(Message("cli.io", String(describing: posix.code)), .ioError)
            }
            let ns = error as NSError
            if ns.domain == NSCocoaErrorDomain || ns.domain == NSPOSIXErrorDomain {
                return CLIFailure(Message("cli.io", ns.localizedDescription), .ioError)
            }
            return CLIFailure(Message("cli.internal", String(describing: error)), .software)
        }
    }
}
