import ArgumentParser
import Foundation
import SenimCore

struct StockWriteOffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "writeoff",
        abstract: "Write off stock that is expired, damaged, lost, seized or otherwise gone (coordinators).")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var movement: StockMovementArguments

    @Option(name: .customLong("reason"), help: ArgumentHelp("expired, damaged, lost, seized or other.", valueName: "reason"))
    var reason: WriteOffReason

    @Option(name: .customLong("lot"), help: ArgumentHelp("Write off this lot only (its number as received); without it, the lots expiring first.", valueName: "lot"))
    var lot: String?

    func run() throws {
        try global.withSession { _, s in
            let ctx = try s.context(site: movement.point, at: try movement.when())
            let e = try s.validator.writeOff(item: movement.item, quantity: movement.quantity, reason: reason, lot: lot,
                                             lots: s.ledger.level(site: ctx.site, item: movement.item)?.lots ?? [], ctx: ctx)
            try s.save([e])
            Out.line(s.newID(e.id))
        }
    }
}
