import ArgumentParser
import Foundation
import SenimCore

/// For tests: keeps the store open (and locked) for a while, like a running TUI would.
struct DevHoldLockCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hold-lock",
        abstract: "Open the store and keep it locked for N seconds (for tests).",
        shouldDisplay: false)

    @OptionGroup var global: GlobalOptions

    @Option(name: .customLong("seconds"), help: "How long to hold the lock.")
    var seconds: Double = 10

    func run() throws {
        try global.withSession { _, _ in
            Out.line("locked \(ProcessInfo.processInfo.processIdentifier)")
            Thread.sleep(forTimeInterval: max(0, seconds))
        }
    }
}
