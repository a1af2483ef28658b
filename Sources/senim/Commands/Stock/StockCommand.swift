import ArgumentParser
import Foundation

struct StockCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stock",
        abstract: "Supplies: levels, lots and expiry, discrepancies, transfers; receive, transfer, write off, count.",
        discussion: """
            `senim stock [--point ID]` shows the levels (the same as `senim stock show`). Receiving, \
            transfers, write-offs and stocktakes are for coordinators; anyone confirms a transfer's arrival.
            """,
        subcommands: [StockShowCommand.self, StockReceiveCommand.self, StockTransferCommand.self,
                      StockWriteOffCommand.self, StockCountCommand.self, StockConfirmCommand.self],
        defaultSubcommand: StockShowCommand.self)
}

/// Arguments shared by the stock movements: an item and a quantity, at a point.
///
/// The two positionals are taken raw so that a negative quantity ("naloxone -5") reaches the
/// validator and is refused as input (exit 65) instead of being mistaken for an option.
struct StockMovementArguments: ParsableArguments {
    @Argument(parsing: .allUnrecognized,
              help: ArgumentHelp("The item id from the catalogue and a whole-number quantity, e.g. naloxone 20.",
                                 valueName: "item qty"))
    var itemAndQuantity: [String] = []

    @Option(name: .customLong("point"), help: ArgumentHelp("Trust point id (default: this store's point).", valueName: "id"))
    var point: String?

    @Option(name: .customLong("at"), help: ArgumentHelp("When it happened, for late entry (ISO 8601; default: now; not before 2000-01-01, at most 10 minutes ahead).", valueName: "time"))
    var at: String?

    /// The time from --at, checked (nil: now).
    func when() throws -> Date? { try at.map { try TimeCheck.past($0) } }

    func validate() throws {
        if let at, Dates.parseInstant(at) == nil { throw ValidationError("--at '\(at)': expected ISO 8601, e.g. 2026-11-23T14:05") }
        guard itemAndQuantity.count == 2 else {
            throw ValidationError("expected ITEM QTY (e.g. naloxone 20), got: \(itemAndQuantity.joined(separator: " "))")
        }
        guard Int(itemAndQuantity[1]) != nil else {
            throw ValidationError("quantity '\(itemAndQuantity[1])' is not a whole number")
        }
    }

    var item: String { itemAndQuantity[0] }
    var quantity: Int { Int(itemAndQuantity[1]) ?? 0 }
}
