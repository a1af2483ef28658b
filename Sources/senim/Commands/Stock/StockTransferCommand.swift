import ArgumentParser
import Foundation
import SenimCore

struct StockTransferCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transfer",
        abstract: "Send stock to another point (coordinators). Prints the transfer id for `stock confirm`.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var movement: StockMovementArguments

    @Option(name: .customLong("to"), help: ArgumentHelp("The receiving trust point id.", valueName: "point"))
    var to: String

    func run() throws {
        try global.withSession { _, s in
            let e = try s.validator.transfer(item: movement.item, quantity: movement.quantity, to: to,
                                             ctx: s.context(site: movement.point, at: try movement.when()))
            try s.save([e])
            Out.line(s.newID(e.id))
        }
    }
}
